"""Servers that never stop (a trickled stream, a list ignoring offset) and bad waiting
arguments end in a julep error or ValueError on both clients, never in a hang."""

from __future__ import annotations

import asyncio
import math
import time
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY
from .server import HostileServer

MESSAGES = [{"role": "user", "content": "hi"}]
TRICKLE = "sse_trickle-300"  # an event every 0.3 s, forever
BOUND = 9.0  # generous: every call here must end well before this many seconds


@pytest.fixture(scope="module")
def server() -> typing.Iterator[HostileServer]:
    """One hostile server for the module."""
    with HostileServer() as running:
        yield running


def _ended(server: HostileServer, path: str) -> bool:
    """Whether the server saw the connection for ``path`` end, within 5 s."""
    for _ in range(500):
        if path in server.bytes_sent:
            return True
        time.sleep(0.01)
    return False


@pytest.mark.anyio
async def test_async_chat_stream_true_obeys_total(server: HostileServer) -> None:
    """AsyncJulepApi.chat(stream=True) on a trickled stream raises APITimeoutError at total."""
    timeout = julep.Timeout(total=1.5, read=3, stream_idle=2)
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url, timeout=timeout) as client:
        started = time.monotonic()
        with pytest.raises(julep.APITimeoutError, match="total deadline"):
            await client.chat(TRICKLE, messages=MESSAGES, stream=True)
        assert time.monotonic() - started < BOUND
        assert client._transport.connections_in_use() == 0
    assert _ended(server, f"/api/sessions/{TRICKLE}/chat")


def test_sync_chat_stream_true_obeys_total(server: HostileServer) -> None:
    """JulepApi(timeout=1.5).chat(stream=True) on a trickled stream raises APITimeoutError."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url, timeout=1.5) as client:
        started = time.monotonic()
        with pytest.raises(julep.APITimeoutError, match="total deadline"):
            client.chat(TRICKLE, messages=MESSAGES, stream=True)
        assert time.monotonic() - started < BOUND


@pytest.mark.anyio
async def test_async_chat_stream_total_bounds_the_wait(server: HostileServer) -> None:
    """chat_stream on a trickled stream: total ends the iteration, the partial text stays."""
    timeout = julep.Timeout(total=1.5, stream_idle=2)
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url, timeout=timeout) as client:
        started = time.monotonic()
        async with client.chat_stream(TRICKLE, messages=MESSAGES) as stream:
            with pytest.raises(julep.APITimeoutError):
                async for _ in stream:
                    pass
        assert time.monotonic() - started < BOUND
    assert stream.text.startswith("word ")


def test_sync_chat_stream_total_bounds_the_wait(server: HostileServer) -> None:
    """The sync chat_stream on a trickled stream: total ends the iteration."""
    timeout = julep.Timeout(total=1.5, stream_idle=2)
    with JulepApi(api_key=API_KEY, base_url=server.base_url, timeout=timeout) as client:
        started = time.monotonic()
        with pytest.raises(julep.APITimeoutError):
            client.chat_stream(TRICKLE, messages=MESSAGES).until_done()
        assert time.monotonic() - started < BOUND


@pytest.mark.anyio
async def test_async_chat_stream_total_ends_a_flood(server: HostileServer) -> None:
    """Tiny events faster than they are read (every read finds bytes waiting, none
    suspends): total still ends the iteration."""
    timeout = julep.Timeout(total=1.5, stream_idle=2)
    options: dict[str, typing.Any] = {"timeout": timeout, "max_response_bytes": 2**30}
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url, **options) as client:
        started = time.monotonic()
        with pytest.raises(julep.StreamTimeoutError):
            async with client.chat_stream("sse_flood", messages=MESSAGES) as stream:
                async for _ in stream:
                    pass
        assert time.monotonic() - started < BOUND


def test_sync_chat_stream_total_ends_a_flood(server: HostileServer) -> None:
    """The sync stream on tiny events sent as fast as they are read: total ends it,
    each next()'s hop to the loop and back counted as time inside the iteration."""
    timeout = julep.Timeout(total=1.5, stream_idle=2)
    options: dict[str, typing.Any] = {"timeout": timeout, "max_response_bytes": 2**30}
    with JulepApi(api_key=API_KEY, base_url=server.base_url, **options) as client:
        started = time.monotonic()
        with pytest.raises(julep.StreamTimeoutError):
            with client.chat_stream("sse_flood", messages=MESSAGES) as stream:
                for _ in stream:
                    pass
        assert time.monotonic() - started < BOUND


@pytest.mark.anyio
async def test_async_chat_stream_callers_pace_does_not_count(server: HostileServer) -> None:
    """A caller slower than total between chunks still reads the whole reply."""
    timeout = julep.Timeout(total=0.8, stream_idle=2)
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url, timeout=timeout) as client:
        async with client.chat_stream("sse_short-5", messages=MESSAGES) as stream:
            async for _ in stream:
                await asyncio.sleep(0.3)
    assert stream.final_response.finish_reason.value == "stop"
    assert stream.text == "word " * 5 + "."


def test_sync_chat_stream_callers_pace_does_not_count(server: HostileServer) -> None:
    """The sync stream: a caller slower than total between chunks still reads it all."""
    timeout = julep.Timeout(total=0.8, stream_idle=2)
    with JulepApi(api_key=API_KEY, base_url=server.base_url, timeout=timeout) as client:
        with client.chat_stream("sse_short-5", messages=MESSAGES) as stream:
            for _ in stream:
                time.sleep(0.3)
    assert stream.text == "word " * 5 + "."


@pytest.mark.anyio
async def test_async_iter_on_a_server_ignoring_offset(server: HostileServer) -> None:
    """Items repeated in a new order on every page end the async walk with APIError."""
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        seen: list[str] = []
        with pytest.raises(julep.APIError, match="ignore offset"):
            async for doc in client.iter_agent_docs("shuffle-3", page_size=3):
                seen.append(doc.id)
    assert len(seen) == len(set(seen)) == 3


def test_sync_iter_on_a_server_ignoring_offset(server: HostileServer) -> None:
    """Items repeated in a new order on every page end the sync walk with APIError."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        with pytest.raises(julep.APIError, match="ignore offset"):
            list(client.iter_agent_docs("shuffle-4", page_size=4))


_BAD_SECONDS = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -1.0, -1]),
    st.floats(max_value=-1e-9, allow_nan=False),
)
_BAD_WAIT = st.one_of(
    st.tuples(st.just("timeout"), _BAD_SECONDS),
    st.tuples(st.sampled_from(["poll_interval", "max_interval"]), _BAD_SECONDS | st.just(0)),
)


@given(bad=_BAD_WAIT)
def test_wait_for_job_rejects_bad_durations(server: HostileServer, bad: tuple[str, float]) -> None:
    """Non-finite, negative (and for intervals, zero) durations: ValueError, no request."""
    name, value = bad
    before = len(server.requests)
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        with pytest.raises(ValueError, match=name):
            client.wait_for_job("stall", **{name: value})

    async def on_async() -> None:
        async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
            with pytest.raises(ValueError, match=name):
                await client.wait_for_job("stall", **{name: value})

    asyncio.run(on_async())
    assert len(server.requests) == before


@settings(max_examples=4, deadline=None)
@given(
    timeout=st.floats(min_value=0.1, max_value=0.4),
    poll_interval=st.floats(min_value=0.02, max_value=0.2),
)
def test_wait_for_job_on_a_job_still_running_says_so(
    server: HostileServer, timeout: float, poll_interval: float
) -> None:
    """Every poll answers "running": the error says the job is still running, on both
    clients. The sleep before the last poll took what was left of the wait, so that
    poll was cut off at once and the error said the job "gave no status"."""
    expected = f"job running is still running after {timeout}s"
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        with pytest.raises(julep.APITimeoutError) as caught:
            client.wait_for_job("running", timeout=timeout, poll_interval=poll_interval)
    assert str(caught.value) == expected

    async def on_async() -> None:
        async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
            with pytest.raises(julep.APITimeoutError) as caught:
                await client.wait_for_job("running", timeout=timeout, poll_interval=poll_interval)
        assert str(caught.value) == expected

    asyncio.run(on_async())


@settings(max_examples=6, deadline=None)
@given(extra=st.floats(min_value=0.0005, max_value=0.009))
def test_wait_for_job_whose_deadline_falls_just_after_a_poll_says_still_running(
    server: HostileServer, extra: float
) -> None:
    """The deadline falls a few ms after the third poll would be sent (0.4 s + extra, a
    poll every 0.2 s): that poll is not sent with those few ms, to be cut off and say the
    job "gave no status"; every poll was answered, so the job is still running (atkW
    repro/04: 9c67d48 skipped the last poll only with no more than the interval left)."""
    timeout = 0.4 + extra
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        client.get_job_status("running")  # a connection ready, as in a program's later waits
        for _ in range(2):
            with pytest.raises(julep.APITimeoutError) as caught:
                client.wait_for_job("running", timeout=timeout, poll_interval=0.2, max_interval=0.2)
            assert str(caught.value) == f"job running is still running after {timeout}s"
