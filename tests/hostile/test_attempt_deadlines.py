"""Attempt deadlines kept by one timer per loop (julep/_deadlines.py): an attempt past its
read limit ends in APITimeoutError and leaves its task as it found it; a cancel from anyone
else stays a cancel; many attempts with different limits each end at their own."""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY
from .server import HostileServer

BOUND = 9.0  # every call here ends well before this many seconds
SLOW = "late-2000"  # answers after 2 s: past every short limit here
FAST = "late-0"  # answers at once: within every long limit here
needs_cancel_counts = pytest.mark.skipif(
    sys.version_info < (3, 11), reason="task.cancelling() arrived in Python 3.11"
)


@pytest.fixture(scope="module")
def server() -> typing.Iterator[HostileServer]:
    """One hostile server for the module."""
    with HostileServer() as running:
        yield running


def _client(server: HostileServer, read: float) -> AsyncJulepApi:
    timeout = julep.Timeout(read=read, total=BOUND)
    return AsyncJulepApi(api_key=API_KEY, base_url=server.base_url, timeout=timeout, max_retries=0)


def _no_deadlines_left(client: AsyncJulepApi) -> None:
    deadlines = client._transport._deadlines
    assert deadlines is not None
    assert not deadlines._due and not deadlines._expired


@pytest.mark.anyio
async def test_a_late_answer_is_a_timeout_and_the_task_is_left_clean(
    server: HostileServer,
) -> None:
    """Past the read limit: APITimeoutError naming the limit; the task carries no cancel."""
    async with _client(server, read=0.2) as client:
        started = time.monotonic()
        with pytest.raises(julep.APITimeoutError, match=r"timed out after 0\.2 s"):
            await client.get_agent(SLOW)
        assert time.monotonic() - started < BOUND
        task = asyncio.current_task()
        assert task is not None
        if sys.version_info >= (3, 11):
            assert task.cancelling() == 0
        # The task goes on as before: its next request and its next sleep work.
        assert (await client.get_agent(FAST)).id is not None
        await asyncio.sleep(0)
        assert client._transport.connections_in_use() == 0
        _no_deadlines_left(client)


@pytest.mark.anyio
@needs_cancel_counts
async def test_a_timeout_inside_asyncio_timeout_does_not_trip_it(server: HostileServer) -> None:
    """The SDK's own limit inside a longer asyncio.timeout: APITimeoutError, and the
    enclosing timeout neither fires nor turns the error into its own."""
    async with _client(server, read=0.2) as client:
        async with asyncio.timeout(BOUND):  # type: ignore[attr-defined,unused-ignore]
            with pytest.raises(julep.APITimeoutError):
                await client.get_agent(SLOW)
            assert (await client.get_agent(FAST)).id is not None


@pytest.mark.anyio
@needs_cancel_counts
async def test_a_shorter_asyncio_timeout_wins_as_itself(server: HostileServer) -> None:
    """An enclosing asyncio.timeout shorter than the SDK's limit raises TimeoutError, not
    APITimeoutError: that cancel was the caller's."""
    async with _client(server, read=5.0) as client:
        with pytest.raises(TimeoutError) as caught:
            async with asyncio.timeout(0.2):  # type: ignore[attr-defined,unused-ignore]
                await client.get_agent(SLOW)
        assert not isinstance(caught.value, julep.JulepError)
        _no_deadlines_left(client)


@pytest.mark.anyio
async def test_a_cancel_from_the_caller_stays_a_cancel(server: HostileServer) -> None:
    """task.cancel() during a request: CancelledError, never a timeout, and no connection kept."""
    async with _client(server, read=5.0) as client:
        task = asyncio.ensure_future(client.get_agent(SLOW))
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        _no_deadlines_left(client)


@pytest.mark.anyio
@needs_cancel_counts
async def test_a_cancel_in_the_same_instant_as_the_deadline_stays_a_cancel(
    server: HostileServer,
) -> None:
    """The deadline passes and the caller cancels before the task runs again: the caller's
    cancel wins (as with asyncio.timeout), and the deadline's is taken back."""
    async with _client(server, read=5.0) as client:
        task = asyncio.ensure_future(client.get_agent(SLOW))
        await asyncio.sleep(0.2)
        deadlines = client._transport._deadlines
        assert deadlines is not None and task in deadlines._due
        # Make the deadline due now and run the timer by hand, then cancel at once.
        _, cancels = deadlines._due[task]
        deadlines._due[task] = (0.0, cancels)
        deadlines._wake()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        _no_deadlines_left(client)


def test_the_sync_client_times_out_and_goes_on(server: HostileServer) -> None:
    """JulepApi: a late answer is APITimeoutError, and the same client's next call works."""
    timeout = julep.Timeout(read=0.2, total=BOUND)
    with JulepApi(
        api_key=API_KEY, base_url=server.base_url, timeout=timeout, max_retries=0
    ) as client:
        with pytest.raises(julep.APITimeoutError, match="timed out after"):
            client.get_agent(SLOW)
        assert client.get_agent(FAST).id is not None


@settings(max_examples=8, deadline=None)
@given(limits=st.lists(st.sampled_from([0.1, 0.3, 6.0]), min_size=1, max_size=12))
def test_many_attempts_each_end_at_their_own_limit(
    server: HostileServer, limits: list[float]
) -> None:
    """Concurrent attempts with mixed limits on one client: each short one (below the 2 s the
    server waits) times out, each long one gets its answer; nothing is left armed."""

    async def run() -> list[BaseException | julep.Agent]:
        async with AsyncJulepApi(
            api_key=API_KEY, base_url=server.base_url, max_retries=0
        ) as client:
            calls = [
                client.with_options(timeout=julep.Timeout(read=limit, total=BOUND)).get_agent(SLOW)
                for limit in limits
            ]
            outcomes = await asyncio.gather(*calls, return_exceptions=True)
            _no_deadlines_left(client)
            return outcomes

    outcomes = asyncio.run(run())
    for limit, outcome in zip(limits, outcomes, strict=True):
        if limit < 2:
            assert isinstance(outcome, julep.APITimeoutError), (limit, outcome)
        else:
            assert isinstance(outcome, julep.Agent), (limit, outcome)


@pytest.mark.anyio
@needs_cancel_counts
async def test_a_deadline_cancel_swallowed_on_the_way_is_taken_back() -> None:
    """If the deadline's CancelledError never reaches claim() (code on the way swallowed it),
    disarm() still takes the cancel back: the task's cancel count is as before."""
    from julep._deadlines import Deadlines

    deadlines = Deadlines(asyncio.get_running_loop())
    task = deadlines.arm(60.0)
    assert task is not None
    _, cancels = deadlines._due[task]
    deadlines._due[task] = (0.0, cancels)
    deadlines._wake()  # the deadline passed: the task is cancelled
    with contextlib.suppress(asyncio.CancelledError):
        await asyncio.sleep(0)  # where the cancel lands, and is swallowed
    deadlines.disarm(task)
    assert task.cancelling() == 0
    assert not deadlines._due and not deadlines._expired
    await asyncio.sleep(0)  # and no cancel is left pending


async def _time_a_deadline(seconds: float) -> float:
    """Arm ``seconds`` in a task and wait for its cancel; the seconds that passed."""
    from julep._deadlines import Deadlines

    deadlines = Deadlines(asyncio.get_running_loop())

    async def attempt() -> float:
        started = time.monotonic()
        task = deadlines.arm(seconds)
        assert task is not None
        try:
            await asyncio.sleep(BOUND)
        except asyncio.CancelledError:
            assert deadlines.claim(task)
            return time.monotonic() - started
        finally:
            deadlines.disarm(task)
        raise AssertionError("the deadline never passed")

    return await asyncio.create_task(attempt())


@pytest.mark.parametrize("backend", ["asyncio", "uvloop"])
@given(seconds=st.floats(min_value=0.0005, max_value=0.005))
@settings(max_examples=10, deadline=None)
def test_a_deadline_never_passes_early(backend: str, seconds: float) -> None:
    """An attempt's limit may end a little late, never before its seconds: also on
    uvloop, whose clock counts whole milliseconds (a 2 ms limit ended after 1.5 ms)."""
    if backend == "uvloop":
        uvloop = pytest.importorskip("uvloop")
        loop = uvloop.new_event_loop()
    else:
        loop = asyncio.new_event_loop()
    try:
        for _ in range(10):
            elapsed = loop.run_until_complete(_time_a_deadline(seconds))
            assert seconds <= elapsed < seconds + 0.5, (seconds, elapsed)
    finally:
        loop.close()
