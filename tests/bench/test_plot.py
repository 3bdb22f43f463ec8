"""The requests-per-second panel of ``--plot``: a partial last second is marked, bars fit."""

from __future__ import annotations

import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from julep.bench.plot import _requests_over_time

pyplot = pytest.importorskip("matplotlib.pyplot")


def _timeline(counts: list[tuple[int, int]], last_duration: float) -> list[dict[str, typing.Any]]:
    return [
        {
            "second": second,
            "duration_s": last_duration if second == len(counts) - 1 else 1.0,
            "successes": ok,
            "errors": bad,
        }
        for second, (ok, bad) in enumerate(counts)
    ]


@settings(max_examples=25, deadline=None)
@given(
    counts=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=8
    ),
    last_duration=st.sampled_from([0.001, 0.3, 0.999, 1.0]),
)
def test_tallest_bar_fits_and_only_a_partial_last_second_is_hatched(
    counts: list[tuple[int, int]], last_duration: float
) -> None:
    """The y axis holds the tallest stacked bar; the last bar is hatched iff that second was cut."""
    figure, axes = pyplot.subplots()
    try:
        _requests_over_time(axes, _timeline(counts, last_duration))
        tallest = max(ok + bad for ok, bad in counts)
        assert axes.get_ylim()[1] > tallest
        hatched = [bool(patch.get_hatch()) for patch in axes.patches]
        per_series = len(counts)
        expected = [False] * (per_series - 1) + [last_duration < 1.0]
        assert hatched == expected * 2  # the ok bars, then the error bars on top
        notes = [text.get_text() for text in axes.texts]
        assert notes == ([f"partial: {last_duration:g} s"] if last_duration < 1.0 else [])
    finally:
        pyplot.close(figure)
