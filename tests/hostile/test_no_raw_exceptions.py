"""Whatever the hostile server sends, both clients raise one exact error from julep's tree."""

from __future__ import annotations

import asyncio
import sys
import threading
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY
from .server import MIB, HostileServer

KIB = 1024
OPTIONS: dict[str, typing.Any] = {
    "api_key": API_KEY,
    "max_response_bytes": MIB,
    "max_event_bytes": 256 * KIB,
    "max_retries": julep.RetryPolicy(max_retries=1, initial_delay=0.01, max_delay=0.02),
    "timeout": julep.Timeout(connect=5, read=0.5, total=10, stream_idle=0.5),
}
MESSAGES = [{"role": "user", "content": "hi"}]


class Case(typing.NamedTuple):
    name: str
    error: type[julep.JulepError]
    cause: type[BaseException] | None = None  # for a StreamError: what broke the stream


CASES = [
    Case("body-8388608", julep.ResponseTooLargeError),
    Case("sized-1073741824", julep.ResponseTooLargeError),
    Case("gzip-67108864", julep.ResponseTooLargeError),
    Case("error-524288", julep.InternalServerError),
    Case("error-4194304", julep.ResponseTooLargeError),
    Case("retry-0", julep.RateLimitError),
    Case("retry-1", julep.RateLimitError),
    Case("retry-2", julep.RateLimitError),
    Case("retry-3", julep.RateLimitError),
    Case("header-1048576", julep.APIConnectionError),
    Case("cut-1000", julep.APIConnectionError),
    Case("badgzip-1000", julep.APIConnectionError),
    Case("stall", julep.APITimeoutError),
    Case("sse_endless", julep.StreamError, julep.ResponseTooLargeError),
    Case("sse_noblank", julep.StreamError, ValueError),
    Case("sse_longline", julep.StreamError, ValueError),
    Case("sse_utf8", julep.StreamError, ValueError),
    Case("sse_stall", julep.StreamTimeoutError, julep.APITimeoutError),
    Case("sse_cut", julep.StreamConnectionError, julep.APIConnectionError),
]


# What a stream ends with when close() lands in its life (a race): its connection
# ends (the error of a stream that broke off), or the client is closed under it.
STREAM_CLOSED_UNDER_IT = (julep.StreamError, julep.StreamConnectionError, julep.ClientClosedError)


@pytest.fixture(scope="module")
def server() -> typing.Iterator[HostileServer]:
    """One hostile server for the module."""
    with HostileServer() as running:
        yield running


def _check(case: Case, error: BaseException) -> None:
    assert type(error) is case.error, repr(error)
    if case.cause is not None:
        assert isinstance(error.__cause__, case.cause), repr(error.__cause__)
    if isinstance(error, julep.StreamError):
        # What arrived before the failure is kept.
        assert error.partial_text.startswith("word" if case.name == "sse_endless" else "Hel")
    if case.name == "sse_endless":
        # Every event within max_response_bytes (1 MiB) counts, none past it.
        assert MIB * 0.9 < len(error.partial_text) <= MIB
    if case.name.startswith("retry-"):
        assert isinstance(error, julep.RateLimitError)
        which = int(case.name[-1])
        expected = {0: 1e20, 1: None, 2: None, 3: sys.float_info.max}[which]
        assert error.retry_after == expected
        # Past the cap: no retry. Ignored (inf, nan): the normal backoff, one retry.
        assert error.retries_taken == (0 if expected else 1)


@pytest.mark.anyio
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_async_client_raises_a_julep_error(server: HostileServer, case: Case) -> None:
    """AsyncJulepApi: each hostile answer ends in the expected julep error, nothing raw."""
    async with AsyncJulepApi(base_url=server.base_url, **OPTIONS) as client:
        with pytest.raises(BaseException) as caught:
            if case.name.startswith("sse_"):
                await client.chat_stream(case.name, messages=MESSAGES).until_done()
            else:
                await client.get_agent(case.name)
    _check(case, caught.value)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_sync_client_raises_a_julep_error(server: HostileServer, case: Case) -> None:
    """JulepApi: each hostile answer ends in the expected julep error, nothing raw."""
    with JulepApi(base_url=server.base_url, **OPTIONS) as client:
        with pytest.raises(BaseException) as caught:
            if case.name.startswith("sse_"):
                client.chat_stream(case.name, messages=MESSAGES).until_done()
            else:
                client.get_agent(case.name)
    _check(case, caught.value)


@pytest.mark.anyio
async def test_past_the_cap_the_connection_is_dropped(server: HostileServer) -> None:
    """After ResponseTooLargeError the server sees the client go: 1 GB is never drained."""
    async with AsyncJulepApi(base_url=server.base_url, **OPTIONS) as client:
        for case in ("body-1073741824", "gzip-1073741824"):
            with pytest.raises(julep.ResponseTooLargeError):
                await client.get_agent(case)
            assert client._transport.connections_in_use() == 0
            path = f"/api/agents/{case}"
            await _until(lambda path=path: path in server.bytes_sent)
            assert server.bytes_sent[path] < 64 * MIB


async def _until(condition: typing.Callable[[], bool]) -> None:
    for _ in range(500):  # at most 5 s
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the calls never reached the server")


@pytest.mark.anyio
async def test_async_close_with_calls_in_flight(server: HostileServer) -> None:
    """close() while calls and a stream wait: each of them raises ClientClosedError."""
    client = AsyncJulepApi(base_url=server.base_url, **{**OPTIONS, "timeout": 30})
    before = len(server.requests)

    async def stream() -> None:
        await client.chat_stream("sse_stall", messages=MESSAGES).until_done()

    calls = [asyncio.ensure_future(client.get_agent("stall")) for _ in range(3)]
    calls.append(asyncio.ensure_future(stream()))
    await _until(lambda: len(server.requests) >= before + 4)
    await client.close()
    outcomes = await asyncio.wait_for(asyncio.gather(*calls, return_exceptions=True), 10)
    assert [type(outcome) for outcome in outcomes[:3]] == [julep.ClientClosedError] * 3, outcomes
    # The stream sees its connection end before the final event (StreamError),
    # or before its response started (ClientClosedError): a race.
    assert type(outcomes[3]) in STREAM_CLOSED_UNDER_IT, outcomes


@pytest.mark.anyio
@given(waiting=st.integers(min_value=1, max_value=4), streams=st.booleans())
@settings(max_examples=8, deadline=None)
async def test_async_close_with_calls_waiting_for_the_pool(
    server: HostileServer, waiting: int, streams: bool
) -> None:
    """close() while calls wait for a free connection (the pool is full): they end in
    ClientClosedError as the calls holding one do, never in a CancelledError their task
    was not sent; the task carries no cancel."""
    client = AsyncJulepApi(
        base_url=server.base_url, **{**OPTIONS, "timeout": 30}, connection_limit=1
    )
    before = len(server.requests)

    async def call(index: int) -> None:
        if streams and index % 2:
            await client.chat_stream("sse_stall", messages=MESSAGES).until_done()
        else:
            await client.get_agent("stall")
        raise AssertionError("a stalled call returned")

    holder = asyncio.ensure_future(client.get_agent("stall"))
    await _until(lambda: len(server.requests) >= before + 1)
    calls = [asyncio.ensure_future(call(i)) for i in range(waiting)]
    await asyncio.sleep(0.05)  # each is queued for the one connection
    await client.close()
    outcomes = await asyncio.wait_for(asyncio.gather(holder, *calls, return_exceptions=True), 10)
    assert [type(outcome) for outcome in outcomes] == [julep.ClientClosedError] * (waiting + 1)
    assert not any(task.cancelled() for task in [holder, *calls])


def test_sync_close_with_calls_in_flight(server: HostileServer) -> None:
    """JulepApi.close() while threads wait in calls and a stream: each gets a julep error."""
    client = JulepApi(base_url=server.base_url, **{**OPTIONS, "timeout": 30})
    before = len(server.requests)
    outcomes: list[BaseException | None] = [None] * 4

    def call(index: int) -> None:
        try:
            if index == 3:
                client.chat_stream("sse_stall", messages=MESSAGES).until_done()
            else:
                client.get_agent("stall")
        except BaseException as exc:
            outcomes[index] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    asyncio.run(_until(lambda: len(server.requests) >= before + 4))
    client.close()
    for thread in threads:
        thread.join(10)
    assert [type(outcome) for outcome in outcomes[:3]] == [julep.ClientClosedError] * 3, outcomes
    # Where close() lands in the stream's life is a race: its connection ends
    # (StreamError), or the client is closed under it or before its next read
    # (ClientClosedError).
    assert type(outcomes[3]) in STREAM_CLOSED_UNDER_IT, outcomes


@pytest.mark.anyio
async def test_chat_stream_true_that_keeps_breaking_raises_a_connection_error(
    server: HostileServer,
) -> None:
    """chat(stream=True) retries a stream that broke off; when the retries run out the
    error is an APIConnectionError, as chat()'s would be (a StreamConnectionError)."""
    async with AsyncJulepApi(base_url=server.base_url, **OPTIONS) as client:
        with pytest.raises(julep.APIConnectionError) as caught:
            await client.chat("sse_cut", messages=MESSAGES, stream=True)
    assert isinstance(caught.value, julep.StreamConnectionError)
    assert caught.value.retries_taken == 1  # OPTIONS: max_retries=1
