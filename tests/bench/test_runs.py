"""Small bounded runs on the local server, checked by their counts (never by their timing)."""

from __future__ import annotations

import json
import pathlib
import sys
import typing

import pytest
from hypothesis import given
from hypothesis import strategies as st

from julep.bench.cli import main
from julep.bench.runner import DEADLINE_ERROR, arrivals_left
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


@pytest.mark.timeout(60)
def test_open_loop_beyond_the_client_ends_one_timeout_after_the_schedule(bench: Bench) -> None:
    """A --rate no client can send (a scheduler that falls ever further behind) still
    ends by itself one --timeout after the schedule: the arrivals not reached by
    then are dropped. (It used to keep going through all 10**9 of them.)"""
    result = bench(
        "--rate", "1e9", "--duration", "300ms", "--timeout", "300ms", "--concurrency", "4"
    )
    check_counts(result)
    loop = result["open_loop"]
    assert loop["scheduled"] == 300_000_000
    assert loop["sent"] + loop["dropped"] == loop["scheduled"]
    assert result["counts"]["requests"] == loop["sent"]
    assert result["elapsed_s"] < 0.6 + 10  # duration + timeout, and room for a slow machine


@pytest.mark.timeout(60)
def test_closed_loop_starts_no_more_workers_than_requests(bench: Bench) -> None:
    """A huge --concurrency for a few requests starts only the workers it needs
    (a million of them used to take minutes and gigabytes before the first request)."""
    result = bench("--requests", "3", "--concurrency", "1000000")
    check_counts(result)
    assert result["counts"] == {"requests": 3, "successes": 3, "errors": 0}
    # Three requests take milliseconds; starting the million workers took 30-60 s.
    assert result["elapsed_s"] < 10


@given(
    arrival=st.integers(min_value=0, max_value=2_000),
    arrivals=st.integers(min_value=0, max_value=2_000),
    processes=st.integers(min_value=1, max_value=64),
)
def test_arrivals_left_counts_the_rest_of_the_share(
    arrival: int, arrivals: int, processes: int
) -> None:
    assert arrivals_left(arrival, arrivals, processes) == len(range(arrival, arrivals, processes))


def test_arrivals_left_counts_past_what_len_can() -> None:
    assert arrivals_left(1, 10**30, 2) == (10**30) // 2


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
        # Every request failed: nothing was measured, so the run exits 1.
        result = bench(
            "--requests", "4", "--concurrency", "2", "--timeout", "100ms",
            base_url=slow.base_url, exit_code=1,
        )  # fmt: skip
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
    with pytest.raises(SystemExit) as ended:
        main([*argv, "--plot", str(tmp_path / "out.png")])
    assert ended.value.code == 2  # usage, not a failed run (1): a CI gate tells them apart
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
        (["--rate", "inf"], "--rate must be a positive number"),
        (["--rate", "nan"], "--rate must be a positive number"),
        (["--min-rps", "inf"], "--min-rps must be a positive number"),
        (["--min-rps", "nan"], "--min-rps must be a positive number"),
        (["--session-id", "s", "--agent-id", "a"], "--session-id names the session"),
        (["--json", "/nonexistent-dir/out.json"], "is not a directory"),
        (["--json", "/"], "cannot write /: it is a directory"),  # found out after the run
        (["--plot", "/"], "cannot write /: it is a directory"),
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


@pytest.mark.parametrize("setting", ["maybe", "2"])
def test_a_bad_julep_uvloop_is_a_usage_error_before_anything_starts(
    setting: str,
    monkeypatch: pytest.MonkeyPatch,
    server: LocalServer,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """JULEP_UVLOOP is read when the load starts; a value it cannot read is a usage
    error at once (it was a traceback after the session had been made)."""
    monkeypatch.setenv("JULEP_UVLOOP", setting)
    before = server.stats()
    with pytest.raises(SystemExit) as exit_info:
        main(["--base-url", server.base_url, "--api-key", API_KEY, "--requests", "1"])
    assert exit_info.value.code == 2
    assert f"JULEP_UVLOOP must be 0 or 1 (or unset), got '{setting}'" in capsys.readouterr().err
    assert server.stats() == before


@pytest.mark.timeout(120)
def test_the_embedded_server_is_reached_directly_whatever_the_proxy_variables(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path
) -> None:
    """The embedded server runs on this machine: HTTP_PROXY and friends, as set on
    a corporate laptop, must not send its requests to a proxy (it did, and failed)."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # nothing listens there
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    out = tmp_path / "result.json"
    code = main(["--requests", "3", "--concurrency", "1", "--quiet", "--json", str(out)])
    assert code == 0
    result = json.loads(out.read_text())
    assert result["target"]["embedded_server"] is True
    assert result["counts"] == {"requests": 3, "successes": 3, "errors": 0}


def test_an_output_file_that_cannot_be_written_is_refused_before_the_run(
    monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A read-only place for --json was found out only after the whole run."""
    monkeypatch.setattr("os.access", lambda path, mode: False)  # as on a read-only mount
    with pytest.raises(SystemExit) as exit_info:
        main(["--requests", "1", "--json", str(tmp_path / "out.json")])
    assert exit_info.value.code == 2
    assert "read-only file system" in capsys.readouterr().err


@pytest.mark.parametrize(
    "base_url",
    [
        "http://127.0.0.1:9/api?api_key={key}",
        "http://127.0.0.1:9/{key}/api",
        "http://user:{key}@127.0.0.1:9/api",
        "http://user:hunter2-password@127.0.0.1:9/api",
    ],
)
def test_a_base_url_holding_a_credential_fails_cleanly_without_showing_it(
    base_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Setup fails (nothing is sent to port 9) and says so, without the key or the
    password; a key in the path was a raw ValueError traceback."""
    code = main(
        ["--base-url", base_url.format(key=API_KEY), "--api-key", API_KEY, "--requests", "1"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "could not set up a session at http://" in captured.err
    assert API_KEY not in captured.out + captured.err
    assert "hunter2-password" not in captured.out + captured.err
