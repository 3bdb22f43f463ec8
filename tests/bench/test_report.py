"""The open-loop part of the result: the achieved rate, for whole and interrupted runs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from julep.bench.config import BenchConfig
from julep.bench.report import _open_loop, rate_warning
from julep.bench.stats import RunStats


def _config(rate: float, duration: float) -> BenchConfig:
    return BenchConfig(
        base_url=None,
        concurrency=8,
        duration=duration,
        requests=None,
        rate=rate,
        stream=False,
        processes=1,
        record=False,
        remember=False,
        timeout=60.0,
        max_retries=0,
    )


def _kept_schedule(rate: float, stopped_at: float, interrupted: bool) -> RunStats:
    """Every arrival due before ``stopped_at`` sent on time, nothing else."""
    stats = RunStats()
    stats.sent = int(rate * stopped_at)
    stats.last_sent = (stats.sent - 1) / rate
    stats.elapsed = stopped_at
    stats.interrupted = interrupted
    return stats


@given(
    rate=st.floats(min_value=1.0, max_value=1000.0),
    share=st.floats(min_value=0.1, max_value=0.9),
)
def test_an_interrupted_run_that_kept_its_rate_achieved_it(rate: float, share: float) -> None:
    """Ctrl+C after a share of a 30 s schedule, every due request sent on time: the
    achieved rate is the target (it was sent/30 s, with a "target missed" warning)."""
    config = _config(rate, 30.0)
    stopped_at = 30.0 * share
    loop = _open_loop(config, _kept_schedule(rate, stopped_at, interrupted=True))
    assert loop is not None
    assert loop["achieved_rps"] >= 0.95 * rate - 1.0 / stopped_at
    if rate * stopped_at >= 40:  # enough arrivals for one more or less not to matter
        assert not loop["missed"]
        assert rate_warning({"open_loop": loop}) is None


def test_a_whole_run_that_sent_a_third_missed_its_rate() -> None:
    """Not interrupted, a third of the schedule sent is still a third of the rate."""
    loop = _open_loop(_config(50.0, 30.0), _kept_schedule(50.0, 10.0, interrupted=False))
    assert loop is not None
    assert loop["missed"]
    assert abs(loop["achieved_rps"] - 50.0 / 3) < 0.1
