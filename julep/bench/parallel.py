"""The load spread over several processes, each with its own event loop and GIL.

The processes are spawned (not forked: a fork would copy this process's
threads and event-loop state). Each one imports the SDK, says it is ready,
and waits; once all are ready the parent sets one start time for all, so that
in the open loop they follow one schedule together. Each sends a progress
snapshot every second and, at the end, its whole ``RunStats``, whose
histograms the parent adds up exactly. Ctrl+C is for the parent alone: it
asks the processes to stop, and they send what they measured so far.
"""

from __future__ import annotations

import math
import multiprocessing
import queue
import signal
import time
import typing

from .. import _loop_backend
from .config import BenchConfig, Shard, Target
from .errors import BenchError
from .histogram import Histogram
from .runner import run_load
from .stats import Progress, RunStats

if typing.TYPE_CHECKING:
    from multiprocessing.sharedctypes import Synchronized
    from multiprocessing.synchronize import Event

_START_TIMEOUT = 60.0  # seconds for every process to import the SDK and be ready
_JOIN_TIMEOUT = 10.0
_GRACE = 30.0  # beyond the longest a correct run can take, before giving up on a process
_LEAD = 0.05  # seconds between the go signal and the common start
_POLL = 0.1
_REPORT_DELAY = 0.3

# (kind, process index, payload): "ready" None, "progress" Progress, "done" RunStats,
# "failed" the error's text.
Message = tuple[str, int, typing.Any]


def _worker(
    shard: Shard,
    messages: multiprocessing.Queue[Message],
    go: Event,
    start: Synchronized[float],
    stop: Event,
) -> None:
    """A load process: run the shard once the parent says go; send progress and the result."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        messages.put(("ready", shard.index, None))
        if not go.wait(_START_TIMEOUT):
            return  # the parent is gone or gave up; it expects nothing more
        stats = _loop_backend.run(
            run_load(
                shard,
                start.value,
                stop.is_set,
                lambda _elapsed, progress: messages.put(("progress", shard.index, progress)),
            )
        )
        messages.put(("done", shard.index, stats))
    except Exception as exc:  # reported to the parent, which reports it to the user
        messages.put(("failed", shard.index, f"{type(exc).__name__}: {exc}"))


def _merge_progress(parts: typing.Iterable[Progress]) -> Progress:
    total = Progress(0, 0, Histogram())
    for part in parts:
        total.requests += part.requests
        total.errors += part.errors
        total.latency.merge(part.latency)
    return total


def run_parallel(
    config: BenchConfig,
    target: Target,
    should_stop: typing.Callable[[], bool],
    on_progress: typing.Callable[[float, Progress], None],
) -> list[RunStats]:
    """Run the load in ``config.processes`` processes; each one's ``RunStats``, in order."""
    context = multiprocessing.get_context("spawn")
    messages: multiprocessing.Queue[Message] = context.Queue()
    go, stop = context.Event(), context.Event()
    start = context.Value("d", 0.0)
    processes = [
        context.Process(
            target=_worker,
            args=(Shard(config, target, index), messages, go, start, stop),
            name=f"julep-bench-{index}",
            daemon=True,
        )
        for index in range(config.processes)
    ]
    for process in processes:
        process.start()
    collector = _Collector(processes, messages, stop, should_stop, on_progress)
    try:
        return collector.run(config, go, start)
    finally:
        # Whatever happened, no process is left waiting or running.
        stop.set()
        go.set()
        for process in processes:
            process.join(_JOIN_TIMEOUT)
            if process.is_alive():
                process.kill()
                process.join()
            process.close()
        messages.close()
        messages.join_thread()


class _Collector:
    """The parent's side: start the processes together, gather what they send."""

    def __init__(
        self,
        processes: typing.Sequence[multiprocessing.process.BaseProcess],
        messages: multiprocessing.Queue[Message],
        stop: Event,
        should_stop: typing.Callable[[], bool],
        on_progress: typing.Callable[[float, Progress], None],
    ) -> None:
        self._processes = processes
        self._messages = messages
        self._stop = stop
        self._should_stop = should_stop
        self._on_progress = on_progress
        self._ready: set[int] = set()
        self._progress: dict[int, Progress] = {}
        self._results: dict[int, RunStats] = {}

    def run(self, config: BenchConfig, go: Event, start: Synchronized[float]) -> list[RunStats]:
        count = len(self._processes)
        give_up = time.monotonic() + _START_TIMEOUT
        # Bounded by the start timeout. Ctrl+C meanwhile starts them at once,
        # with the stop already set, so that each returns its empty result.
        while len(self._ready) < count and not self._stop.is_set():
            self._receive(give_up, "to start")
        start.value = time.time() + _LEAD
        go.set()
        give_up = time.monotonic() + _LEAD + config.time_bound + _GRACE
        # The processes report on each whole second of the run; reporting a
        # little after it shows their fresh counts, not the previous second's.
        next_tick = 1.0 + _REPORT_DELAY
        # Bounded by the run's time bound: each process ends by itself before it.
        while len(self._results) < count:
            self._receive(give_up, "to finish")
            elapsed = time.time() - start.value
            if elapsed >= next_tick:
                self._on_progress(elapsed, _merge_progress(self._progress.values()))
                next_tick = math.floor(elapsed) + 1.0 + _REPORT_DELAY
        return [self._results[index] for index in range(count)]

    def _receive(self, give_up: float, what: str) -> None:
        """Take one message (or none after a short wait); fail if a process is gone or late."""
        if self._should_stop():
            self._stop.set()
        try:
            kind, index, payload = self._messages.get(timeout=_POLL)
        except queue.Empty:
            if time.monotonic() > give_up:
                raise BenchError(f"the load processes took too long {what}") from None
            for index, process in enumerate(self._processes):
                # A process that exited has flushed its messages: had it sent
                # its result, the get() above would have returned it.
                if process.exitcode is not None and index not in self._results:
                    raise BenchError(
                        f"load process {index} exited (code {process.exitcode}) without a result"
                    ) from None
            return
        if kind == "ready":
            self._ready.add(index)
        elif kind == "progress":
            self._progress[index] = payload
        elif kind == "done":
            self._results[index] = payload
        else:
            raise BenchError(f"load process {index} failed: {payload}")
