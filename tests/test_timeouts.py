"""Read, total and stream-idle limits end calls with APITimeoutError, on a real loopback server."""

from __future__ import annotations

import asyncio
import time
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import julep
from julep import RetryPolicy, Timeout
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer


@pytest.fixture
def server() -> typing.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.mark.anyio
async def test_read_timeout_is_retried_then_raised(server: LoopbackServer) -> None:
    """A slow response times out on each attempt; the error counts the retries."""
    policy = RetryPolicy(max_retries=2, initial_delay=0.01, max_delay=0.02)
    timeout = Timeout(read=0.2, total=10)
    async with AsyncJulepApi(
        api_key=API_KEY, base_url=server.base_url, timeout=timeout, max_retries=policy
    ) as client:
        with pytest.raises(julep.APITimeoutError) as caught:
            await client.get_agent("slow")
    assert caught.value.retries_taken == 2
    assert server.requests == 3


@pytest.mark.anyio
async def test_total_deadline_covers_every_retry(server: LoopbackServer) -> None:
    """With a 0.5 s total, three 0.4 s attempts cannot all run: the deadline ends the call."""
    policy = RetryPolicy(max_retries=5, initial_delay=0.01, max_delay=0.02)
    async with AsyncJulepApi(
        api_key=API_KEY,
        base_url=server.base_url,
        timeout=Timeout(read=0.4, total=0.5),
        max_retries=policy,
    ) as client:
        started = time.monotonic()
        with pytest.raises(julep.APITimeoutError):
            await client.get_agent("slow")
        elapsed = time.monotonic() - started
    assert server.requests <= 2
    assert elapsed < 5  # bounded by the deadline, not by 6 attempts of 0.4 s


@pytest.mark.anyio
async def test_stream_idle_limit_ignores_keep_alives(server: LoopbackServer) -> None:
    """Keep-alive comments do not count as progress: a silent stream ends in StreamError."""
    async with AsyncJulepApi(
        api_key=API_KEY,
        base_url=server.base_url,
        timeout=Timeout(stream_idle=0.3),
    ) as client:
        stream = client.chat_stream("stall", messages=[{"role": "user", "content": "hi"}])
        with pytest.raises(julep.StreamError) as caught:
            await stream.until_done()
    assert caught.value.partial_text == "Hel"
    assert isinstance(caught.value.__cause__, julep.APITimeoutError)
    assert server.disconnected.wait(10)


@pytest.mark.anyio
async def test_waiting_for_a_pool_slot_is_not_a_connect(server: LoopbackServer) -> None:
    """With the only connection busy, a call waits for it past ``connect`` (read bounds it)."""
    limits = Timeout(connect=0.1, read=5, total=10)
    async with AsyncJulepApi(
        api_key=API_KEY, base_url=server.base_url, timeout=limits, max_retries=0,
        connection_limit=1,
    ) as client:  # fmt: skip
        slow = client.with_options(timeout=Timeout(connect=0.1, read=0.6, total=5))
        busy = asyncio.ensure_future(slow.get_agent("slow"))
        await asyncio.sleep(0.1)  # the slow call holds the only connection
        assert (await client.get_agent("after")).id == "after"
        with pytest.raises(julep.APITimeoutError):
            await busy


@pytest.mark.anyio
@given(blocked=st.floats(min_value=0.2, max_value=0.3))
@settings(
    max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_no_retry_is_sent_once_the_total_deadline_passed(
    server: LoopbackServer, blocked: float
) -> None:
    """A backoff wait that overruns the total deadline (the loop was busy) ends the call:
    no attempt goes out with a budget already spent, and no limit below zero is named."""
    policy = RetryPolicy(max_retries=3, initial_delay=0.16, max_delay=0.16)
    async with AsyncJulepApi(
        api_key=API_KEY,
        base_url=server.base_url,
        timeout=Timeout(read=0.1, total=0.3),
        max_retries=policy,
    ) as client:
        before = server.requests
        # The first attempt ends at 0.1 s; the wait of 0.08-0.16 s is overrun to past 0.3 s.
        asyncio.get_running_loop().call_later(0.12, time.sleep, blocked)
        with pytest.raises(julep.APITimeoutError) as caught:
            await client.get_agent("slow")
    assert server.requests == before + 1
    assert caught.value.retries_taken == 0
    assert "after -" not in str(caught.value)
