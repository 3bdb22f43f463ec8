"""The load of one process: chats in a closed or an open loop, each one measured.

Every request is bounded by ``--timeout``, counted from the moment its latency
is measured from: when it was sent in the closed loop, when it was due in the
open loop (the scheduler's own lag included; an arrival that finds every slot
busy is dropped, not queued). So a run ends by itself at most one timeout
after its last request was sent or due.
"""

from __future__ import annotations

import math
import time
import typing

import anyio

from .._config import Timeout
from ..client import AsyncJulepApi
from .config import MESSAGE, Shard
from .stats import Progress, RunStats, error_key

Tick = typing.Callable[[float, Progress], None]

_POLL_SECONDS = 0.1  # how soon an interruption is seen
_TICK_SECONDS = 1.0  # how often progress is reported
DEADLINE_ERROR = "DeadlineExceeded (--timeout)"


def _client(shard: Shard) -> AsyncJulepApi:
    limit = shard.config.timeout
    return AsyncJulepApi(
        base_url=shard.target.base_url,
        api_key=shard.target.api_key,
        # Every limit the SDK has, so none of them is longer than ours.
        timeout=Timeout(connect=limit, read=limit, total=limit, stream_idle=limit),
        max_retries=shard.config.max_retries,
        # One connection per request in flight: the pool never queues them.
        connection_limit=shard.concurrency,
        # The embedded server (no --base-url) is on this machine: never through a proxy.
        trust_env=shard.config.base_url is not None,
    )


class _Sender:
    """Sends one chat at a time and records how it went."""

    def __init__(self, client: AsyncJulepApi, shard: Shard, stats: RunStats, origin: float):
        self._client = client
        self._config = shard.config
        self._session_id = shard.target.session_id
        self._stats = stats
        self._origin = origin

    async def send(self, start: float, slot: anyio.Semaphore | None = None) -> None:
        """Chat once; latency and time to first token count from ``start``.

        ``slot`` (the open loop) was taken for this request by the scheduler;
        it is given back when the request ends.
        """
        ttft: float | None = None
        error: Exception | None = None
        try:
            if slot is not None:
                now = time.perf_counter()
                self._stats.departed(now - start, now - self._origin)
            with anyio.move_on_after(
                max(start + self._config.timeout - time.perf_counter(), 0.0)
            ) as deadline:
                try:
                    ttft = await self._chat(start)
                # Any failure is a result to count, whatever its kind; cancellation
                # (a BaseException: the deadline, or Ctrl+C) is not, and goes through.
                except Exception as exc:
                    error = exc
        finally:
            if slot is not None:
                slot.release()
        ended = time.perf_counter()
        if deadline.cancelled_caught:
            message = f"no complete reply within {self._config.timeout:g} s"
            self._stats.failure(ended - self._origin, DEADLINE_ERROR, message)
        elif error is not None:
            self._stats.failure(ended - self._origin, error_key(error), str(error))
        else:
            self._stats.success(ended - self._origin, ended - start, ttft)

    async def _chat(self, start: float) -> float | None:
        """One chat, whole or streamed; the time to its first token when streamed."""
        messages = [{"role": "user", "content": MESSAGE}]
        if not self._config.stream:
            await self._client.chat(
                self._session_id,
                messages=messages,
                record=self._config.record,
                remember=self._config.remember,
            )
            return None
        ttft: float | None = None
        async with self._client.chat_stream(
            self._session_id,
            messages=messages,
            record=self._config.record,
            remember=self._config.remember,
        ) as stream:
            async for chunk in stream:
                if ttft is None and chunk.delta is not None and chunk.delta.content:
                    ttft = time.perf_counter() - start
        return ttft


async def _closed_loop(shard: Shard, sender: _Sender, origin: float) -> None:
    budget = shard.requests  # None: until the deadline
    end = None if shard.config.duration is None else origin + shard.config.duration
    sent = 0

    async def worker() -> None:
        nonlocal sent
        # Bounded by the budget or by the deadline, and each request by --timeout.
        while (budget is None or sent < budget) and (end is None or time.perf_counter() < end):
            sent += 1
            await sender.send(time.perf_counter())

    # No more workers than requests: the others would have nothing to send, and
    # starting a huge --concurrency of them alone could outlast the run.
    count = shard.concurrency if budget is None else min(shard.concurrency, budget)
    async with anyio.create_task_group() as workers:
        for _ in range(count):
            if end is not None and time.perf_counter() >= end:
                break  # still starting workers when the duration is over
            workers.start_soon(worker)


def arrivals_left(arrival: int, arrivals: int, processes: int) -> int:
    """``len(range(arrival, arrivals, processes))``, for ranges too long for ``len()``:
    this arrival and the rest of its process's share of the schedule."""
    return max(arrivals - arrival + processes - 1, 0) // processes


async def _open_loop(shard: Shard, sender: _Sender, origin: float, stats: RunStats) -> None:
    rate = shard.config.rate
    assert rate is not None
    # At most --concurrency in flight. An arrival that finds every slot busy
    # when it is due is dropped and counted, as k6 drops an iteration when it
    # has no free VU: waiting instead would send it late and hide the overload
    # (coordinated omission); the drops, the late count and the achieved rate
    # show it.
    slots = anyio.Semaphore(shard.concurrency)
    arrivals = shard.config.arrivals or 0
    processes = shard.config.processes
    # Once the last arrival's deadline has passed, no arrival can be answered in
    # time: a scheduler that fell that far behind (a --rate beyond what this
    # client can send) stops there, and the arrivals it never reached are
    # dropped. So the run ends at most one timeout after its last request was due.
    cutoff = origin + arrivals / rate + shard.config.timeout
    async with anyio.create_task_group() as requests:
        for arrival in shard.schedule():
            if time.perf_counter() >= cutoff:
                stats.dropped += arrivals_left(arrival, arrivals, processes)
                break
            due = origin + arrival / rate
            # sleep(0) when behind schedule still lets the started requests run.
            await anyio.sleep(max(due - time.perf_counter(), 0.0))
            try:
                slots.acquire_nowait()
            except anyio.WouldBlock:
                stats.dropped += 1
                continue
            requests.start_soon(sender.send, due, slots)


async def _watch(
    stats: RunStats,
    load: anyio.CancelScope,
    origin: float,
    should_stop: typing.Callable[[], bool],
    on_tick: Tick,
) -> None:
    """Report progress every second; cancel the load when asked to stop."""
    next_tick = origin + _TICK_SECONDS
    # No end of its own: the load's end cancels it.
    while True:
        await anyio.sleep(_POLL_SECONDS)
        if should_stop():
            stats.interrupted = True
            load.cancel()
            return
        now = time.perf_counter()
        if now >= next_tick:
            on_tick(now - origin, stats.progress())
            # On the next whole second of the run: a late tick does not bring a burst.
            next_tick = origin + math.floor(now - origin) + _TICK_SECONDS


async def run_load(
    shard: Shard, start_wall: float, should_stop: typing.Callable[[], bool], on_tick: Tick
) -> RunStats:
    """Run this process's share of the load, starting at ``start_wall`` (``time.time()``).

    The start is given as wall-clock time because it is the one clock that
    every process reads the same; it becomes this process's origin on the
    monotonic ``perf_counter`` clock, which every measurement uses.
    """
    origin = time.perf_counter() + (start_wall - time.time())
    stats = RunStats()
    if should_stop():
        stats.interrupted = True
        return stats
    async with _client(shard) as client:
        sender = _Sender(client, shard, stats, origin)
        await anyio.sleep(max(origin - time.perf_counter(), 0.0))
        with anyio.CancelScope() as load:
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_watch, stats, load, origin, should_stop, on_tick)
                if shard.config.rate is None:
                    await _closed_loop(shard, sender, origin)
                else:
                    await _open_loop(shard, sender, origin, stats)
                tasks.cancel_scope.cancel()
        stats.elapsed = time.perf_counter() - origin
    return stats
