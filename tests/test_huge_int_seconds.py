"""Seconds given as an int too large for a float are refused like infinity, with
the SDK's own error, never a raw OverflowError (float() raises it for them)."""

from __future__ import annotations

import hypothesis
import hypothesis.strategies as st
import pytest

import julep

_HUGE = st.integers(min_value=309, max_value=600).map(lambda digits: 10**digits)


@hypothesis.settings(max_examples=20, deadline=None)
@hypothesis.given(value=_HUGE, sign=st.sampled_from([1, -1]))
def test_huge_int_seconds_are_refused_as_configuration(value: int, sign: int) -> None:
    value *= sign
    with pytest.raises(julep.ConfigurationError):
        julep.Timeout.of(value)
    for field in ("connect", "read", "total", "stream_idle"):
        with pytest.raises(julep.ConfigurationError):
            julep.Timeout(**{field: value})
    for field in ("initial_delay", "max_delay", "max_retry_after"):
        with pytest.raises(julep.ConfigurationError):
            julep.RetryPolicy(**{field: value})


@hypothesis.settings(max_examples=10, deadline=None)
@hypothesis.given(value=_HUGE)
def test_huge_int_seconds_on_a_client(value: int) -> None:
    with pytest.raises(julep.ConfigurationError):
        julep.JulepApi(api_key="k" * 12, base_url="http://127.0.0.1:9/api", timeout=value)
    with julep.JulepApi(api_key="k" * 12, base_url="http://127.0.0.1:9/api") as client:
        with pytest.raises(julep.ConfigurationError):
            client.with_options(timeout=value)
        with pytest.raises(ValueError, match="timeout"):
            client.wait_for_job("j", timeout=value)
        for name in ("poll_interval", "max_interval"):
            with pytest.raises(ValueError, match=name):
                client.wait_for_job("j", **{name: value})


def test_large_ints_that_fit_a_float_still_work() -> None:
    assert julep.Timeout.of(2**63).read == float(2**63)
    assert julep.RetryPolicy(max_delay=10**300).max_delay == 10**300
