"""The log-linear histogram: layout, accuracy on known data, exact merges."""

from __future__ import annotations

import json
import math
import random

import pytest

from julep.bench.histogram import MAX_US, Histogram, bucket_bounds, bucket_index

# A percentile read back is a bucket's midpoint: within half a bucket, 1/256
# of the value, plus the half microsecond lost when recording rounds.
TOLERANCE = 1 / 256


def exact_percentile(sorted_us: list[int], percent: float) -> int:
    """The same rank rule as the histogram: the ceil(p * n)-th smallest value."""
    rank = max(math.ceil(percent / 100 * len(sorted_us)), 1)
    return sorted_us[rank - 1]


def test_every_value_falls_in_its_buckets_bounds() -> None:
    values = [*range(5000), *range(5000, MAX_US, 9973), MAX_US - 1, MAX_US]
    for value in values:
        low, high = bucket_bounds(bucket_index(value))
        assert low <= value < high


def test_buckets_tile_the_range_without_gaps_and_stay_narrow() -> None:
    last = bucket_index(MAX_US)
    for index in range(last):
        low, high = bucket_bounds(index)
        assert bucket_bounds(index + 1)[0] == high
        # Never wider than 1/128 of the values it holds.
        assert (high - low) * 128 <= max(low, 128)
    assert last < 3000


@pytest.mark.parametrize("percent", [0, 1, 25, 50, 90, 99, 99.9, 99.99, 100])
def test_percentiles_of_known_data_are_within_the_precision(percent: float) -> None:
    rng = random.Random(7)
    # Latencies from 1 µs to minutes, log-normally spread, as real ones are.
    values_us = sorted(min(int(rng.lognormvariate(9, 2.5)) + 1, MAX_US) for _ in range(20_000))
    histogram = Histogram()
    for value in values_us:
        histogram.record(value / 1e6)
    expected = exact_percentile(values_us, percent)
    got_us = histogram.percentile(percent) * 1e6
    assert abs(got_us - expected) <= expected * TOLERANCE + 0.5


def test_uniform_data_and_exact_extremes() -> None:
    histogram = Histogram()
    for value in range(1, 100_001):  # 1 µs .. 100 ms
        histogram.record(value / 1e6)
    assert histogram.total == 100_000
    assert histogram.percentile(0) == 1e-6
    assert histogram.percentile(100) == 0.1
    assert histogram.percentile(50) == pytest.approx(0.05, rel=TOLERANCE)
    assert histogram.percentile(99) == pytest.approx(0.099, rel=TOLERANCE)
    assert histogram.mean == pytest.approx(0.0500005, rel=1e-9)  # the sum is exact


def test_values_beyond_the_range_are_clamped_but_max_stays_exact() -> None:
    histogram = Histogram()
    histogram.record(-1.0)  # a clock step backwards must not break anything
    histogram.record(250.0)
    assert histogram.total == 2
    assert histogram.min_us == 0
    assert histogram.max_us == 250_000_000
    assert histogram.percentile(100) == 250.0
    assert max(histogram.counts) == bucket_index(MAX_US)


def test_empty_histogram_reads_zero_and_rejects_bad_percentiles() -> None:
    histogram = Histogram()
    assert histogram.percentile(50) == 0.0
    assert histogram.mean == 0.0
    with pytest.raises(ValueError, match="between 0 and 100"):
        histogram.percentile(101)


def test_merge_is_exactly_the_sum_of_its_parts() -> None:
    rng = random.Random(3)
    values = [rng.expovariate(1 / 0.05) for _ in range(10_000)]
    whole, first, second = Histogram(), Histogram(), Histogram()
    for index, value in enumerate(values):
        whole.record(value)
        (first if index % 3 else second).record(value)
    merged = Histogram()
    merged.merge(first)
    merged.merge(Histogram())  # an empty part changes nothing
    merged.merge(second)
    assert merged.counts == whole.counts
    assert (merged.total, merged.sum_us, merged.min_us, merged.max_us) == (
        whole.total,
        whole.sum_us,
        whole.min_us,
        whole.max_us,
    )
    for percent in (50, 90, 99, 99.9):
        assert merged.percentile(percent) == whole.percentile(percent)


def test_to_dict_is_json_and_lists_every_count() -> None:
    histogram = Histogram()
    for value in (0.001, 0.001, 0.002, 1.5):
        histogram.record(value)
    data = json.loads(json.dumps(histogram.to_dict()))
    assert data["unit"] == "us"
    assert data["total"] == 4
    assert sum(count for _low, _high, count in data["buckets"]) == 4
    assert data["buckets"][0] == [*bucket_bounds(bucket_index(1000)), 2]
    assert (data["min_us"], data["max_us"], data["sum_us"]) == (1000, 1_500_000, 1_504_000)
