"""Requests/s of one Locust worker process: ``JulepUser`` against Locust's ``FastHttpUser``.

Both send the same chat to the same canned server (``_servers.py``: nginx, or
the asyncio stub), in interleaved rounds of the same length and user count, so
the ratio is measured side by side. Each round is a fresh headless ``locust``
process (one process: a worker's worth of CPU) pinned to CPU 1, the server to
CPU 0. Reported per round and as the median ratio; the goal is >= 0.7. Each
round also records the worker's CPU per request (all threads, while the load
ran): when the worker's CPU is the limit, throughput follows it.

    .venv/bin/python benchmarks/locust_overhead.py [--users 20] [--seconds 8] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import typing
from pathlib import Path

import _servers

HERE = Path(__file__).resolve().parent
USERS_FILE = HERE / "_locust_users.py"
# JulepUser; FastHttpUser parsing the JSON reply; FastHttpUser not reading it.
VARIANTS = ("SdkChat", "RawChat", "RawPost")
LABELS = {"SdkChat": "JulepUser", "RawChat": "FastHttpUser", "RawPost": "FastHttp bare"}
SERVER_CPU, CLIENT_CPU = 0, 1


def _cpu(index: int) -> int | None:
    available = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    return index if index in available and len(available) > 1 else None


def _round(
    variant: str, base_url: str, users: int, seconds: int, out: Path
) -> dict[str, typing.Any]:
    command = [
        sys.executable, "-m", "locust", "-f", str(USERS_FILE), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s",
        "--host", base_url, "--only-summary", "--loglevel", "WARNING", variant,
    ]  # fmt: skip
    result_file = out / f"{variant}.json"
    result_file.unlink(missing_ok=True)  # a second try of the variant writes its own
    env = {**os.environ, "PYTHONPATH": str(HERE), "JULEP_BENCH_RESULT_FILE": str(result_file)}
    cpu = _cpu(CLIENT_CPU)
    done = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        preexec_fn=(lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None,
        check=False,
    )
    if done.returncode not in (0, 1) or not result_file.exists():
        raise RuntimeError(f"{variant} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    result = json.loads(result_file.read_text())
    requests = float(result["requests"])
    return {
        "cpu_us": result["cpu_s"] / requests * 1e6 if requests else float("nan"),
        # Over the whole --run-time (all users start at once): the same for every variant.
        "rps": requests / seconds,
        "requests": requests,
        "failures": float(result["failures"]),
        "p50_ms": _number(result["p50_ms"]),
        "p99_ms": _number(result["p99_ms"]),
        # What Locust said, shown for a run that made no request.
        "stderr": done.stderr[-2000:],
    }


def _number(value: float | None) -> float:
    """A percentile; None (no request finished) reads as NaN."""
    return float("nan") if value is None else float(value)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--server", choices=("auto", "nginx", "asyncio"), default="auto")
    parser.add_argument(
        "--smoke", action="store_true", help="2 users, 2 s, 1 round: checks the script still runs"
    )
    options = parser.parse_args()
    if options.smoke:
        options.users, options.seconds, options.rounds = 2, 2, 1
    with tempfile.TemporaryDirectory(prefix="julep-locust-bench-") as tmp:
        work = Path(tmp)
        server = _servers.start_server(
            options.server,
            nginx=None,
            python=sys.executable,
            prefix=work,
            port=_servers.free_port(),
            cpu=_cpu(SERVER_CPU),
        )
        try:
            base_url = f"http://127.0.0.1:{server.port}/api"
            print(
                f"server: {server.kind} {server.version}; {options.users} users, "
                f"{options.seconds}s a round, one locust process on CPU {CLIENT_CPU}"
            )
            ratios: list[float] = []
            bare_ratios: list[float] = []
            cpu_ratios: list[float] = []
            for number in range(1, options.rounds + 1):
                results = {}
                for variant in VARIANTS:
                    out = work / f"round{number}"
                    out.mkdir(exist_ok=True)
                    for attempt in (1, 2):
                        result = _round(variant, base_url, options.users, options.seconds, out)
                        if result["requests"]:
                            break
                        # Seen only on a machine loaded by other work: Locust's
                        # run time passed before its first request finished.
                        # Twice in a row is a failure, with what Locust said.
                        print(f"round {number}: {variant} made no request (try {attempt} of 2)")
                        print(result["stderr"] or "(Locust printed nothing)")
                    else:
                        return 1
                    results[variant] = result
                sdk, raw, bare = (results[variant] for variant in VARIANTS)
                ratios.append(sdk["rps"] / raw["rps"])
                bare_ratios.append(sdk["rps"] / bare["rps"])
                cpu_ratios.append(raw["cpu_us"] / sdk["cpu_us"])
                for variant, r in results.items():
                    label = LABELS[variant]
                    print(f"round {number} {label:<13} {r['rps']:8.1f} req/s  "
                          f"{r['cpu_us']:5.0f} us CPU/request  "
                          f"p50 {r['p50_ms']:.0f} ms  p99 {r['p99_ms']:.0f} ms  "
                          f"{r['requests']:.0f} requests, {r['failures']:.0f} failed")  # fmt: skip
                print(
                    f"round {number} ratio JulepUser/FastHttpUser = {ratios[-1]:.2f} "
                    f"(against the bare post: {bare_ratios[-1]:.2f})"
                )
            print(
                f"median ratio JulepUser/FastHttpUser {statistics.median(ratios):.2f} "
                f"(goal >= 0.70); against the bare post {statistics.median(bare_ratios):.2f}"
            )
            # When the worker's CPU is the limit, requests/s follow CPU per request.
            print(
                f"median requests per CPU-second, JulepUser/FastHttpUser: "
                f"{statistics.median(cpu_ratios):.2f}"
            )
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
