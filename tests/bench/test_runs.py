"""Small bounded runs on the local server, checked by their counts (never by their timing)."""

from __future__ import annotations

import pathlib
import sys
import typing

import pytest

from julep.bench.cli import main
from julep.bench.runner import DEADLINE_ERROR
from julep.client import JulepApi
from julep.server import LocalServer

from .conftest import API_KEY, Bench


def check_counts(result: dict[str, typing.Any]) -> None:
    """What every run must satisfy, however it went."""
    counts = result["counts"]
    assert counts["requests"] == counts["successes"] + counts["errors"]
    assert result["histograms"]["latency"]["total"] == counts["successes"]
    assert sum(error["count"] for error in result["errors"].values()) == counts["errors"]
    timeline = result["timeline"]
    assert sum(second["successes"] for second in timeline) == counts["successes"]
    assert sum(second["errors"] for second in timeline) == counts["errors"]
    assert sum(part["requests"] for part in result["processes"]) == counts["requests"]


def test_closed_loop_sends_exactly_the_requests_asked_for(bench: Bench) -> None:
    result = bench("--requests", "50", "--concurrency", "4")
    check_counts(result)
    assert result["counts"] == {"requests": 50, "successes": 50, "errors": 0}
    assert result["config"]["mode"] == "closed loop"
    assert result["ttft_ms"] is None
    assert not result["interrupted"]


def test_closed_loop_for_a_duration_ends_by_itself(bench: Bench) -> None:
    result = bench("--duration", "500ms", "--concurrency", "4")
    check_counts(result)
    assert result["counts"]["successes"] > 0


def test_open_loop_issues_rate_times_duration_requests(bench: Bench) -> None:
    result = bench("--rate", "100", "--duration", "1s", "--concurrency", "32")
    check_counts(result)
    loop = result["open_loop"]
    # Sent, or dropped when every slot was busy as it was due (only on a slow machine).
    assert loop["sent"] + loop["dropped"] == 100
    assert result["counts"]["requests"] == loop["sent"]
    assert result["config"]["mode"] == "open loop"


def test_stream_records_time_to_first_token(bench: Bench) -> None:
    result = bench("--stream", "--requests", "30", "--concurrency", "3")
    check_counts(result)
    assert result["counts"]["successes"] == 30
    assert result["histograms"]["ttft"]["total"] == 30
    # Each request's first token comes before its end, so every order statistic does too.
    for name in ("min", "p50", "p99", "max"):
        assert result["ttft_ms"][name] <= result["latency_ms"][name]


def test_the_json_file_holds_the_whole_result(bench: Bench, tmp_path: pathlib.Path) -> None:
    result = bench("--requests", "20", "--concurrency", "2")
    assert set(result) >= {
        "tool",
        "julep_version",
        "started_at",
        "target",
        "config",
        "interrupted",
        "elapsed_s",
        "counts",
        "throughput_rps",
        "latency_ms",
        "ttft_ms",
        "errors",
        "histograms",
        "timeline",
        "processes",
    }
    assert result["target"]["embedded_server"] is False
    assert list(result["latency_ms"]) == ["min", "p50", "p90", "p99", "p99.9", "max", "mean"]
    assert result["config"]["concurrency"] == 2
    assert result["config"]["record"] is False
    assert result["config"]["remember"] is False
    buckets = result["histograms"]["latency"]["buckets"]
    assert all(low < high and count > 0 for low, high, count in buckets)
    assert sum(count for _, _, count in buckets) == 20
    assert [second["second"] for second in result["timeline"]] == list(
        range(len(result["timeline"]))
    )
    # The key is a secret: it is in no output.
    assert API_KEY not in (tmp_path / "result.json").read_text()


def test_errors_are_counted_by_kind(bench: Bench) -> None:
    with LocalServer(api_key=API_KEY, faults="500=0.5", faults_seed=1) as faulty:
        result = bench(
            "--requests", "60", "--concurrency", "4", "--max-retries", "0", base_url=faulty.base_url
        )
        injected = faulty.fault_counts["500"]
    check_counts(result)
    counts = result["counts"]
    assert counts["requests"] == 60
    assert 0 < counts["errors"] < 60
    assert list(result["errors"]) == ["InternalServerError (500)"]
    # Setting up (retried) may have met some of the faults too; the load met the rest.
    assert counts["errors"] <= injected
    assert "500" in result["errors"]["InternalServerError (500)"]["sample"]


def test_requests_past_the_timeout_are_errors(bench: Bench) -> None:
    with LocalServer(api_key=API_KEY, faults="delay=1:300ms") as slow:
        result = bench(
            "--requests", "4", "--concurrency", "2", "--timeout", "100ms", base_url=slow.base_url
        )
    check_counts(result)
    assert result["counts"] == {"requests": 4, "successes": 0, "errors": 4}
    assert set(result["errors"]) <= {DEADLINE_ERROR, "APITimeoutError"}
    # No success, so no latency to tell: null, not a made-up zero.
    assert set(result["latency_ms"].values()) == {None}
    assert all(second["p50_ms"] is None for second in result["timeline"])


def test_plot_is_written(bench: Bench, tmp_path: pathlib.Path) -> None:
    pytest.importorskip("matplotlib")
    plot = tmp_path / "out.png"
    bench("--requests", "30", "--concurrency", "3", "--stream", "--plot", str(plot))
    assert plot.read_bytes().startswith(b"\x89PNG")


def test_plot_without_matplotlib_fails_before_the_load(
    server: LocalServer,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes the import fail
    argv = ["--base-url", server.base_url, "--api-key", API_KEY, "--requests", "5"]
    assert main([*argv, "--plot", str(tmp_path / "out.png")]) == 1
    out, err = capsys.readouterr()
    assert "pip install -e '.[plot]'" in err
    assert out == ""  # no summary: nothing ran
    assert "loading" not in err
    assert not (tmp_path / "out.png").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--duration", "1s", "--requests", "5"], "not allowed with argument"),
        (["--duration", "soon"], "expected a duration"),
        (["--concurrency", "1", "--processes", "2"], "at least --processes"),
        (["--rate", "0.5", "--duration", "1s"], "at least one request"),
        (["--session-id", "s", "--agent-id", "a"], "--session-id names the session"),
        (["--json", "/nonexistent-dir/out.json"], "is not a directory"),
    ],
)
def test_bad_arguments_are_usage_errors(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_given_session_is_used_and_nothing_is_made(bench: Bench, server: LocalServer) -> None:
    first = bench("--requests", "1", "--concurrency", "1")
    assert first["counts"]["successes"] == 1
    before = server.stats()
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        agent_id = client.create_agent(name="given").id
        session_id = client.create_session(agent_id=agent_id).id
        result = bench("--session-id", session_id, "--requests", "10", "--concurrency", "2")
        assert client.get_session(session_id).id == session_id  # not deleted
        assert (client.get_history(session_id).items or []) == []  # record is off by default
        client.delete_session(session_id)
        client.delete_agent(agent_id)
    assert result["counts"]["successes"] == 10
    assert server.stats() == before
