"""What one process measured, in a form that merges exactly with the others'."""

from __future__ import annotations

import collections
import dataclasses

from .histogram import Histogram

_SAMPLE_CHARS = 200
# Open loop: a request that leaves later than this after it was due is late.
# Above the event loop's own timer slack, well below any latency worth measuring.
LATE_SECONDS = 0.010


def error_key(exc: BaseException) -> str:
    """How errors are grouped: the exception's class, with the HTTP status when there is one."""
    status = getattr(exc, "status_code", None)
    name = type(exc).__name__
    return f"{name} ({status})" if isinstance(status, int) else name


@dataclasses.dataclass
class Progress:
    """A light view of a run so far, for the live progress line."""

    requests: int
    errors: int
    latency: Histogram


class RunStats:
    """Latencies of successes, errors by kind, and a per-second timeline.

    Times are seconds since the run's origin, the instant every process
    agreed to start at. ``requests`` counts requests that ended, either way;
    ones still running when the run was interrupted are not counted.
    """

    def __init__(self) -> None:
        self.latency = Histogram()
        self.ttft = Histogram()  # time to first token, only for streamed chat
        self.errors: collections.Counter[str] = collections.Counter()
        self.error_samples: dict[str, str] = {}
        # Keyed by the whole second in which a request ended.
        self.second_latency: dict[int, Histogram] = {}
        self.second_errors: collections.Counter[int] = collections.Counter()
        self.elapsed = 0.0  # when the load ended: all requests done, or interrupted
        self.interrupted = False
        # Open loop only: how the schedule was kept.
        self.sent = 0  # requests that left (found a free slot when due)
        self.late = 0  # ... of which left more than LATE_SECONDS after they were due
        # Arrivals never sent: every slot was busy when they were due, or the
        # scheduler reached them only after the last deadline (see runner).
        self.dropped = 0
        self.last_sent = 0.0  # when the last request left, since the origin

    @property
    def successes(self) -> int:
        return self.latency.total

    @property
    def failures(self) -> int:
        return sum(self.errors.values())

    @property
    def requests(self) -> int:
        return self.successes + self.failures

    def success(self, ended: float, latency: float, ttft: float | None) -> None:
        """Count a request answered in ``latency`` seconds (first token after ``ttft``)."""
        self.latency.record(latency)
        if ttft is not None:
            self.ttft.record(ttft)
        second = self.second_latency.get(int(ended))
        if second is None:
            second = self.second_latency[int(ended)] = Histogram()
        second.record(latency)

    def failure(self, ended: float, key: str, message: str) -> None:
        """Count a failed request under its error ``key``, keeping one sample message."""
        self.errors[key] += 1
        self.error_samples.setdefault(key, message[:_SAMPLE_CHARS])
        self.second_errors[int(ended)] += 1

    def departed(self, lateness: float, when: float) -> None:
        """Open loop: a request left ``lateness`` seconds after it was due, at ``when``."""
        self.sent += 1
        if lateness > LATE_SECONDS:
            self.late += 1
        self.last_sent = max(self.last_sent, when)

    def progress(self) -> Progress:
        """A snapshot of the counts so far, for the progress line."""
        # A copy, because a multiprocessing queue pickles it later, in another thread.
        return Progress(self.requests, self.failures, self.latency.copy())

    def merge(self, other: RunStats) -> None:
        """Add another process's results to these (every count adds up)."""
        self.latency.merge(other.latency)
        self.ttft.merge(other.ttft)
        self.errors.update(other.errors)
        for key, message in other.error_samples.items():
            self.error_samples.setdefault(key, message)
        for second, histogram in other.second_latency.items():
            self.second_latency.setdefault(second, Histogram()).merge(histogram)
        self.second_errors.update(other.second_errors)
        self.elapsed = max(self.elapsed, other.elapsed)
        self.interrupted = self.interrupted or other.interrupted
        self.sent += other.sent
        self.late += other.late
        self.dropped += other.dropped
        self.last_sent = max(self.last_sent, other.last_sent)


def merged(parts: list[RunStats]) -> RunStats:
    """One ``RunStats`` for the whole run, from each process's part."""
    total = RunStats()
    for part in parts:
        total.merge(part)
    return total
