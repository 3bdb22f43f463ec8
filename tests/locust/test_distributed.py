"""``benchmarks/locustfile.py`` in Locust's distributed mode: 1 master, 2 workers, on 127.0.0.1."""

from __future__ import annotations

import csv
import os
import pathlib
import socket
import subprocess
import sys

import pytest

from julep import JulepApi

from .conftest import ROOT, needs_locust, serve

pytestmark = needs_locust


LOCUSTFILE = ROOT / "benchmarks" / "locustfile.py"
USERS = 6
RUN_TIMEOUT = 90  # seconds for a whole run: start-up, the load, shutting down

# Every operation the locustfile's users call: on start, in tasks, on stop.
OPERATIONS = {
    "create_agent",
    "create_user",
    "create_session",
    "chat",
    "chat_stream",
    "chat_stream:ttft",
    "get_history",
    "create_user_doc",
    "get_agent_memories",
    "delete_session",
    "delete_user",
    "delete_agent",  # each worker's shared agent, when the test stops
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _rows(path: pathlib.Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as rows:
        return list(csv.DictReader(rows))


def _distributed_run(url: str, out: pathlib.Path, run_time: str) -> pathlib.Path:
    """Run the locustfile headless on a master and two workers; the CSV prefix."""
    port = str(_free_port())
    prefix = out / "run"
    env = {**os.environ, "JULEP_API_KEY": "locust-ci", "JULEP_LOCUST_WAIT": "0.05:0.2"}
    locust = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE)]
    master_args = [
        "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", port,
        "--headless", "--expect-workers", "2", "--users", str(USERS), "--spawn-rate", str(USERS),
        "--run-time", run_time, "--host", url, "--csv", str(prefix), "--only-summary",
    ]  # fmt: skip
    worker_args = ["--worker", "--master-host", "127.0.0.1", "--master-port", port]
    logs = [(out / f"{name}.log").open("w") for name in ("master", "worker1", "worker2")]
    processes = [
        subprocess.Popen([*locust, *master_args], stdout=logs[0], stderr=subprocess.STDOUT, env=env)
    ]
    try:
        for log in logs[1:]:
            processes.append(
                subprocess.Popen(
                    [*locust, *worker_args], stdout=log, stderr=subprocess.STDOUT, env=env
                )
            )
        code = processes[0].wait(timeout=RUN_TIMEOUT)
        for worker in processes[1:]:
            worker.wait(timeout=30)  # a worker quits when its master does
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
    master_log = (out / "master.log").read_text()
    # Locust exits 1 when any request failed; anything else is a broken run.
    assert code in (0, 1), master_log[-3000:]
    return prefix


def _per_worker(prefix: pathlib.Path) -> dict[str, dict[str, int]]:
    workers: dict[str, dict[str, int]] = {}
    for row in _rows(pathlib.Path(f"{prefix}_workers.csv")):
        workers.setdefault(row["Worker"], {})[row["Name"]] = int(row["Request Count"])
    return workers


def test_two_workers_share_the_load_and_every_operation_succeeds(
    server_url: str, tmp_path: pathlib.Path
) -> None:
    """Both workers send requests, every operation of the locustfile shows up, none fails."""
    prefix = _distributed_run(server_url, tmp_path, "5s")
    stats = {row["Name"]: row for row in _rows(pathlib.Path(f"{prefix}_stats.csv"))}
    assert set(stats) - {"Aggregated"} == OPERATIONS
    assert stats["Aggregated"]["Failure Count"] == "0"
    assert int(stats["chat"]["Request Count"]) > 0
    workers = _per_worker(prefix)
    assert len(workers) == 2
    for counts in workers.values():
        assert counts["chat"] > 0 and sum(counts.values()) > 0
    # The per-worker counts add up to the master's totals.
    for name in OPERATIONS:
        total = sum(counts.get(name, 0) for counts in workers.values())
        assert total == int(stats[name]["Request Count"]), name
    # Nothing the scenario made is left behind: each worker's agent was deleted too.
    with JulepApi(api_key="any", base_url=server_url) as client:
        assert [agent.name for agent in client.list_agents().items] == []


def test_failures_are_reported_by_exception_type(tmp_path: pathlib.Path) -> None:
    """Against ``serve --faults``, Locust's failures name the julep error classes."""
    with serve("--faults", "500=0.1,reset=0.05", "--faults-seed", "7") as url:
        prefix = _distributed_run(url, tmp_path, "4s")
    failures = _rows(pathlib.Path(f"{prefix}_failures.csv"))
    kinds = {row["Error"].split("(")[0] for row in failures}
    assert {"InternalServerError", "APIConnectionError"} <= kinds, failures
    # Grouped by kind: one row per operation and kind, not one per failed request.
    assert len(failures) == len({(row["Name"], row["Error"]) for row in failures})
    assert any(row["Error"] == "InternalServerError('status 500')" for row in failures)
    total = sum(int(row["Occurrences"]) for row in failures)
    assert total > len(failures)
    # A failed request ends its task quietly: recorded once, no traceback logged.
    assert _rows(pathlib.Path(f"{prefix}_exceptions.csv")) == []


@pytest.fixture(autouse=True)
def _no_stray_locust_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's LOCUST_* settings do not change these runs."""
    for name in list(os.environ):
        if name.startswith("LOCUST_"):
            monkeypatch.delenv(name)
