"""Thresholds (``--max-error-rate``, ``--max-p99``, ``--min-rps``); the open loop's schedule."""

from __future__ import annotations

import json
import pathlib
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from julep.bench.cli import main
from julep.bench.gate import Thresholds, check, parse_error_rate
from julep.server import LocalServer

from .conftest import API_KEY


def _result(
    requests: int, errors: int, p99_ms: float | None, elapsed: float
) -> dict[str, typing.Any]:
    return {
        "counts": {"requests": requests, "successes": requests - errors, "errors": errors},
        "latency_ms": {"p99": p99_ms},
        "elapsed_s": elapsed,
    }


@given(
    requests=st.integers(1, 10_000),
    data=st.data(),
    limit=st.floats(0.0, 1.0, allow_nan=False),
)
def test_error_rate_breaches_exactly_above_the_limit(
    requests: int, data: st.DataObject, limit: float
) -> None:
    """The error-rate check fails exactly when errors / requests exceeds the limit."""
    errors = data.draw(st.integers(0, requests))
    (item,) = check(Thresholds(max_error_rate=limit), _result(requests, errors, 1.0, 1.0))
    assert item.passed == (errors / requests <= limit)
    assert item.option == "--max-error-rate"
    assert ("<=" if item.passed else ">") in item.text


@given(p99_ms=st.floats(0.001, 1e6), limit=st.floats(1e-6, 1e3))
def test_p99_breaches_exactly_above_the_limit(p99_ms: float, limit: float) -> None:
    """The p99 check compares milliseconds of the result with a limit in seconds."""
    (item,) = check(Thresholds(max_p99=limit), _result(10, 0, p99_ms, 1.0))
    assert item.passed == (p99_ms / 1000.0 <= limit)


def test_min_rps_counts_successes_only() -> None:
    """A server that fails fast does not pass a throughput gate: only successes count."""
    (item,) = check(Thresholds(min_rps=50), _result(100, 60, 1.0, 1.0))
    assert not item.passed and item.value == 40.0
    assert item.text == "successful requests/s 40.0 < --min-rps 50"


def test_no_success_breaches_a_p99_limit() -> None:
    """Without a single success there is no p99, and that is a breach, not a pass."""
    (item,) = check(Thresholds(max_p99=1.0), _result(5, 5, None, 1.0))
    assert not item.passed and item.value is None


@pytest.mark.parametrize(
    ("text", "rate"), [("0.01", 0.01), ("1%", 0.01), ("0", 0.0), ("100%", 1.0)]
)
def test_error_rate_is_a_fraction_or_a_percentage(text: str, rate: float) -> None:
    """``0.01`` and ``1%`` mean the same limit."""
    assert parse_error_rate(text) == pytest.approx(rate)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--max-error-rate", "5"], "between 0 and 1"),
        (["--max-error-rate", "lots"], "a percentage like 1%"),
        (["--max-p99", "0ms"], "must be positive"),
        (["--min-rps", "-3"], "--min-rps must be a positive number"),
    ],
)
def test_bad_thresholds_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A malformed threshold stops the run before anything starts, naming the option."""
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def _run(url: str, tmp_path: pathlib.Path, *args: str) -> tuple[int, dict[str, typing.Any]]:
    out = tmp_path / "result.json"
    code = main(["--base-url", url, "--api-key", API_KEY, "--quiet", "--json", str(out), *args])
    result: dict[str, typing.Any] = json.loads(out.read_text())
    return code, result


def test_a_breach_exits_1_and_names_itself(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Slow replies breach --max-p99: exit code 1, the breach on stderr and in the JSON."""
    with LocalServer(api_key=API_KEY, faults="delay=1:60ms") as slow:
        code, result = _run(
            slow.base_url,
            tmp_path,
            "--requests", "6", "--concurrency", "2",
            "--max-p99", "5ms", "--max-error-rate", "0%",
        )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 1
    assert "julep bench: threshold breached: p99 latency" in err
    assert "> --max-p99 5.00 ms" in err
    assert "error rate" not in err  # the other threshold held
    assert "BREACH  p99 latency" in out and "ok      error rate 0.00%" in out
    passed = {item["option"]: item["passed"] for item in result["thresholds"]}
    assert passed == {"--max-p99": False, "--max-error-rate": True}
    assert f"JSON written to {(tmp_path / 'result.json').resolve()}" in out


def test_thresholds_that_hold_exit_0(
    server: LocalServer, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Generous limits pass: exit code 0 and every check marked ok."""
    code, result = _run(
        server.base_url,
        tmp_path,
        "--requests", "10", "--concurrency", "2",
        "--max-p99", "30s", "--max-error-rate", "1%", "--min-rps", "0.001",
    )  # fmt: skip
    assert code == 0
    assert [item["passed"] for item in result["thresholds"]] == [True, True, True]
    assert "breached" not in capsys.readouterr().err


def test_open_loop_reports_achieved_rate_late_and_dropped(
    tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One slot and slow replies: most arrivals find it busy, are dropped, and warned of."""
    with LocalServer(api_key=API_KEY, faults="delay=1:150ms") as slow:
        code, result = _run(
            slow.base_url,
            tmp_path,
            "--rate", "100", "--requests", "40", "--concurrency", "1", "--timeout", "400ms",
        )  # fmt: skip
    assert code == 0
    loop = result["open_loop"]
    assert loop["scheduled"] == 40
    assert loop["sent"] + loop["dropped"] == 40
    assert loop["dropped"] > 0 and loop["missed"]
    assert 0 <= loop["late"] <= loop["sent"]
    assert loop["achieved_rps"] < loop["target_rps"]
    # Dropped arrivals were never sent: they are not requests, nor errors.
    assert result["counts"]["requests"] == loop["sent"]
    out, err = capsys.readouterr()
    assert "julep bench: warning: the target rate was missed" in err
    assert f"{loop['dropped']} dropped (never sent: every slot busy" in out


def test_open_loop_that_keeps_up_sends_everything(
    server: LocalServer, tmp_path: pathlib.Path
) -> None:
    """With enough slots, every scheduled arrival is sent and none is dropped."""
    code, result = _run(server.base_url, tmp_path, "--rate", "50", "--requests", "20")
    assert code == 0
    loop = result["open_loop"]
    assert (loop["sent"], loop["dropped"]) == (20, 0)
    assert result["counts"]["requests"] == 20


def test_closed_loop_has_no_schedule_to_report(server: LocalServer, tmp_path: pathlib.Path) -> None:
    """The rate report belongs to the open loop only."""
    _, result = _run(server.base_url, tmp_path, "--requests", "5", "--concurrency", "1")
    assert result["open_loop"] is None


def test_a_run_where_every_request_failed_exits_1_without_thresholds(
    server: LocalServer, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every chat answered 404 (a session that does not exist) and no threshold given:
    nothing was measured, so the run fails (exit 1, said on stderr); a CI gate must not
    pass it."""
    code, _ = _run(
        server.base_url, tmp_path, "--requests", "4", "--concurrency", "2",
        "--session-id", "00000000-0000-4000-8000-000000000000",
    )  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1, err
    assert "julep bench: no request succeeded (4 failed)" in err


def test_a_run_that_sent_nothing_exits_1(
    server: LocalServer, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A run over before its first request (a duration of a nanosecond) measured nothing, so a
    CI gate must not pass it: exit 1, said on stderr."""
    code, result = _run(server.base_url, tmp_path, "--duration", "0.000001ms", "--concurrency", "2")
    err = capsys.readouterr().err
    assert result["counts"]["requests"] == 0
    assert code == 1, err
    assert "julep bench: no request was sent before the run ended" in err
