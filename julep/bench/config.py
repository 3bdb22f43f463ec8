"""What a run does, and how it is shared among processes."""

from __future__ import annotations

import dataclasses
import math
import re
import typing

MESSAGE = "Hello! This is a load test; a short answer is fine."
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s|m)?$")
_SECONDS_PER_UNIT = {"ms": 0.001, "s": 1.0, "m": 60.0}


def parse_duration(text: str) -> float:
    """Seconds from ``30s``, ``500ms``, ``2m`` or a plain number of seconds."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"expected a duration like 10s, 500ms or 2m, got {text!r}")
    seconds = float(match.group(1)) * _SECONDS_PER_UNIT[match.group(2) or "s"]
    if seconds <= 0:
        raise ValueError(f"a duration must be positive, got {text!r}")
    return seconds


@dataclasses.dataclass(frozen=True)
class BenchConfig:
    """The load, as the user asked for it (the JSON output's ``config``; never the API key).

    Exactly one of ``duration`` and ``requests`` bounds the run. With ``rate``
    the load is an open loop: ``rate`` arrivals per second on a fixed schedule,
    ``concurrency`` requests in flight at most. Without it, a closed loop of
    ``concurrency`` workers, each sending its next request when its last ended.
    """

    base_url: str | None  # None: the embedded server
    concurrency: int
    duration: float | None
    requests: int | None
    rate: float | None
    stream: bool
    processes: int
    record: bool
    remember: bool
    timeout: float
    max_retries: int
    agent_id: str | None = None
    user_id: str | None = None
    session_id: str | None = None

    def __post_init__(self) -> None:
        if (self.duration is None) == (self.requests is None):
            raise ValueError("give exactly one of duration and requests")
        if self.processes < 1:
            raise ValueError("--processes must be at least 1")
        if self.concurrency < self.processes:
            raise ValueError("--concurrency must be at least --processes (each needs one)")
        if self.requests is not None and self.requests < 1:
            raise ValueError("--requests must be at least 1")
        if self.rate is not None and not 0 < self.rate < math.inf:  # nan too
            raise ValueError(f"--rate must be a positive number, got {self.rate:g}")
        if self.timeout <= 0:
            raise ValueError("--timeout must be positive")
        if self.max_retries < 0:
            raise ValueError("--max-retries must be at least 0")
        if self.arrivals == 0:
            raise ValueError("--rate x --duration must make at least one request")

    @property
    def arrivals(self) -> int | None:
        """Open loop: how many requests the schedule holds in all. None for a closed loop."""
        if self.rate is None:
            return None
        if self.requests is not None:
            return self.requests
        assert self.duration is not None
        return round(self.rate * self.duration)

    @property
    def time_bound(self) -> float:
        """The longest a run can take, in seconds, when every request takes its whole timeout."""
        if self.rate is not None:
            assert self.arrivals is not None
            # The last arrival is due at the end of the schedule.
            return self.arrivals / self.rate + self.timeout
        if self.duration is not None:
            return self.duration + self.timeout
        assert self.requests is not None
        # Each worker of the busiest process sends its share one after the other.
        per_worker = math.ceil(
            self.requests / self.processes / (self.concurrency // self.processes)
        )
        return (per_worker + 1) * self.timeout

    def to_dict(self) -> dict[str, typing.Any]:
        """The settings of the run, as written in the JSON result."""
        return {
            **dataclasses.asdict(self),
            "mode": "closed loop" if self.rate is None else "open loop",
            "message": MESSAGE,
        }


@dataclasses.dataclass(frozen=True)
class Target:
    """Where the load goes: resolved before the load starts, shared by every process."""

    base_url: str
    api_key: str
    session_id: str


@dataclasses.dataclass(frozen=True)
class Shard:
    """One process's part of the load. Pickled to that process, so plain data only."""

    config: BenchConfig
    target: Target
    index: int

    @property
    def concurrency(self) -> int:
        return _share(self.config.concurrency, self.config.processes, self.index)

    @property
    def requests(self) -> int | None:
        """Closed loop with ``--requests``: this process's share."""
        if self.config.requests is None:
            return None
        return _share(self.config.requests, self.config.processes, self.index)

    def schedule(self) -> range:
        """Open loop: the indices of this process's arrivals in the global schedule.

        Arrival ``k`` is due ``k / rate`` seconds after the origin; process ``i``
        takes every ``processes``-th arrival from ``i``, so together they follow
        the global schedule exactly.
        """
        arrivals = self.config.arrivals or 0
        return range(self.index, arrivals, self.config.processes)


def _share(total: int, parts: int, index: int) -> int:
    """An even split of ``total`` into ``parts``; the first ones take the remainder."""
    return total // parts + (1 if index < total % parts else 0)
