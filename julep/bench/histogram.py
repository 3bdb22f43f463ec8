"""A log-linear latency histogram in the manner of HdrHistogram, in pure Python.

Values are recorded as whole microseconds. Below 256 µs every microsecond has
its own bucket; above, each power of two is split into 128 equal buckets, so a
bucket is never wider than 1/128 of the values in it. A value read back is its
bucket's midpoint, within 1/256 (0.4 %) of any value recorded there, from
1 µs to 100 s (longer values land in the top bucket; ``max`` stays exact).

The layout is fixed, so two histograms merge exactly by adding their bucket
counts: that is how the results of several processes are combined.
"""

from __future__ import annotations

import math
import typing

SUB_BUCKET_BITS = 8
_SUB_BUCKETS = 1 << SUB_BUCKET_BITS  # 256: values below this have unit buckets
_HALF = _SUB_BUCKETS >> 1  # 128 buckets per power of two above that
MAX_US = 100_000_000  # 100 s


def bucket_index(value_us: int) -> int:
    """The bucket of a value in microseconds (clamped to 0 .. MAX_US)."""
    value = min(max(value_us, 0), MAX_US)
    if value < _SUB_BUCKETS:
        return value
    # The shift keeps the top SUB_BUCKET_BITS bits, whose value is in [128, 256).
    shift = value.bit_length() - SUB_BUCKET_BITS
    return _SUB_BUCKETS + (shift - 1) * _HALF + ((value >> shift) - _HALF)


def bucket_bounds(index: int) -> tuple[int, int]:
    """The microseconds a bucket holds: ``low`` inclusive, ``high`` exclusive."""
    if index < _SUB_BUCKETS:
        return index, index + 1
    shift, sub = divmod(index - _SUB_BUCKETS, _HALF)
    shift += 1
    low = (sub + _HALF) << shift
    return low, low + (1 << shift)


class Histogram:
    """Counts of latencies (recorded in seconds) per log-linear bucket, plus exact extremes."""

    __slots__ = ("counts", "max_us", "min_us", "sum_us", "total")

    def __init__(self) -> None:
        # Sparse: a run fills a few hundred of the ~2,700 buckets, and a
        # per-second timeline keeps one histogram per second.
        self.counts: dict[int, int] = {}
        self.total = 0
        self.sum_us = 0
        self.min_us = 0
        self.max_us = 0

    def record(self, seconds: float) -> None:
        """Count one measurement, in seconds."""
        value = max(round(seconds * 1_000_000), 0)
        index = bucket_index(value)
        self.counts[index] = self.counts.get(index, 0) + 1
        if self.total == 0 or value < self.min_us:
            self.min_us = value
        self.max_us = max(self.max_us, value)
        self.total += 1
        self.sum_us += value

    def merge(self, other: Histogram) -> None:
        """Add ``other``'s counts to this histogram (exact: the layouts are the same)."""
        if other.total == 0:
            return
        for index, count in other.counts.items():
            self.counts[index] = self.counts.get(index, 0) + count
        self.min_us = other.min_us if self.total == 0 else min(self.min_us, other.min_us)
        self.max_us = max(self.max_us, other.max_us)
        self.total += other.total
        self.sum_us += other.sum_us

    def copy(self) -> Histogram:
        """An independent histogram with the same counts."""
        twin = Histogram()
        twin.merge(self)
        return twin

    @property
    def mean(self) -> float:
        """The mean in seconds (exact: the sum is kept), 0 when empty."""
        return self.sum_us / self.total / 1_000_000 if self.total else 0.0

    def percentile(self, percent: float) -> float:
        """The value in seconds below or at which ``percent`` % of the values lie.

        The smallest and the largest values are exact; between them, the
        midpoint of the bucket holding the value of that rank, kept within the
        extremes. 0.0 when empty.
        """
        if not 0.0 <= percent <= 100.0:
            raise ValueError(f"percent must be between 0 and 100, got {percent}")
        if self.total == 0:
            return 0.0
        rank = max(math.ceil(percent / 100.0 * self.total), 1)
        # The smallest and the largest values are known exactly.
        if rank == 1:
            return self.min_us / 1_000_000
        if rank >= self.total:
            return self.max_us / 1_000_000
        seen = 0
        for index in sorted(self.counts):
            seen += self.counts[index]
            if seen >= rank:
                break
        low, high = bucket_bounds(index)
        # Values were rounded to whole µs, so bucket [low, high) stands for the
        # real interval [low - 0.5, high - 0.5), whose middle is (low + high - 1) / 2.
        middle = (low + high - 1) / 2
        return min(max(middle, self.min_us), self.max_us) / 1_000_000

    def buckets(self) -> typing.Iterator[tuple[int, int, int]]:
        """``(low_us, high_us, count)`` of every non-empty bucket, in increasing order."""
        for index in sorted(self.counts):
            low, high = bucket_bounds(index)
            yield low, high, self.counts[index]

    def to_dict(self) -> dict[str, typing.Any]:
        """A JSON-ready form: the layout, the exact extremes and every non-empty bucket."""
        return {
            "unit": "us",
            "layout": f"log-linear, {_HALF} buckets per power of two, unit buckets below "
            f"{_SUB_BUCKETS} us, clamped at {MAX_US} us",
            "total": self.total,
            "min_us": self.min_us,
            "max_us": self.max_us,
            "sum_us": self.sum_us,
            "buckets": [list(bucket) for bucket in self.buckets()],
        }
