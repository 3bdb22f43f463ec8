"""Concurrent chat throughput: the new SDK against its floors and julep 0.3.9.

Method: a loopback server that costs the client nothing (nginx answering a
canned ChatResponse, server pinned to CPU 0), one fresh client interpreter per
measurement (pinned to CPU 1), a closed loop of C workers, warm-up, then N
timed requests. Rounds are interleaved so drift spreads over every variant;
each cell reports the median.

Run from the repo root with the dev virtualenv, e.g.:

    JULEP039_PYTHON=<venv with julep 0.3.9>/bin/python python benchmarks/chat_throughput.py

``--smoke`` runs every variant once with a few requests, unpinned, and exits
non-zero if any run fails (CI does this). See benchmarks/README for the flags
and how to read the output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _servers

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
CLIENT_SCRIPT = HERE / "_bench_client.py"

ALL_VARIANTS = (
    "aiohttp_raw",
    "aiohttp_cattrs",
    "sdk_async",
    "sdk_async_base",
    "sdk_sync_1t",
    "sdk_sync_8t",
    "sdk_sync_1t_uvloop",
    "sdk_sync_8t_uvloop",
    "httpx_raw",
    "julep039",
)
# Variants that import the new SDK from --sdk-root (repo checkout).
# Sync variants run at a fixed caller-thread count, whatever --concurrency says.
FIXED_CONCURRENCY = {
    "sdk_sync_1t": 1,
    "sdk_sync_8t": 8,
    "sdk_sync_1t_uvloop": 1,
    "sdk_sync_8t_uvloop": 8,
}
SDK_VARIANTS = frozenset({"aiohttp_cattrs", "sdk_async", "sdk_async_base", *FIXED_CONCURRENCY})
_PROXY_VARS = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
)


@dataclass(frozen=True)
class Cell:
    """One (variant, concurrency) point; measured once per round."""

    variant: str
    concurrency: int
    requests: int
    warmup: int


@dataclass
class Plan:
    cells: list[Cell]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Planning


def warmup_for(concurrency: int, requests: int) -> int:
    """max(2C, 500), scaled down for small N but never below C,
    so every pooled connection is opened before timing starts."""
    return max(concurrency, min(max(2 * concurrency, 500), requests))


def build_plan(args: argparse.Namespace) -> Plan:
    plan = Plan([])
    per_variant: dict[str, list[int]] = {}
    for v in args.variants:
        per_variant[v] = (
            [FIXED_CONCURRENCY[v]] if v in FIXED_CONCURRENCY else list(args.concurrency)
        )
    # The sync ratios compare against async at the same concurrency.
    if "sdk_async" in per_variant:
        for v, c in FIXED_CONCURRENCY.items():
            if v in per_variant and c not in per_variant["sdk_async"]:
                per_variant["sdk_async"].append(c)
    concurrencies = sorted({c for cs in per_variant.values() for c in cs})
    # Group by C so that the variants a ratio compares run back to back.
    for c in concurrencies:
        for v in args.variants:
            if c not in per_variant[v]:
                continue
            n = args.requests
            if v == "julep039" and c >= 512 and n > args.julep039_c512_requests:
                n = args.julep039_c512_requests
                plan.notes.append(
                    f"julep039 at C={c} runs N={n} instead of {args.requests} "
                    "(julep 0.3.9 manages only ~30-100 req/s at high C)"
                )
            if n < c:
                plan.notes.append(f"{v} C={c}: N={n} < C, so not all workers stay busy")
            plan.cells.append(Cell(v, c, n, warmup_for(c, n)))
    return plan


# --------------------------------------------------------------------------
# Running one child


def child_env(variant: str, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.pop("PYTHONPATH", None)
    if variant in SDK_VARIANTS:
        # The SDK under test is the checkout, whether or not it is pip-installed.
        base = variant == "sdk_async_base"
        env["PYTHONPATH"] = str(args.baseline_sdk_root if base else args.sdk_root)
    # julep039 gets no PYTHONPATH: the checkout's julep/ must not shadow 0.3.9.
    return env


def run_child(
    cell: Cell, python: str, server: _servers.Server, args: argparse.Namespace, cwd: Path
) -> dict[str, Any]:
    flags = {
        "--variant": cell.variant,
        "--concurrency": cell.concurrency,
        "--requests": cell.requests,
        "--warmup": cell.warmup,
        "--port": server.port,
        "--server-pid": server.cpu_pid,
    }
    cmd = [python, str(CLIENT_SCRIPT), *(str(x) for kv in flags.items() for x in kv)]
    t0 = time.monotonic()
    try:
        proc = subprocess.run(
            cmd,
            check=False,
            capture_output=True,
            text=True,
            timeout=args.child_timeout,
            cwd=cwd,
            env=child_env(cell.variant, args),
            stdin=subprocess.DEVNULL,
            # Single-threaded parent: preexec_fn is safe. Pins the child and
            # makes it die with us if the parent is killed.
            preexec_fn=lambda: _servers.preexec_pin(args.client_cpu, True),
        )
    except subprocess.TimeoutExpired:  # run() has already killed the child
        return {"error": f"timed out after {args.child_timeout:.0f}s (killed)"}
    except OSError as exc:
        return {"error": f"cannot start {python}: {exc}"}
    result = _last_json_line(proc.stdout)
    if result is None:
        result = {"error": f"no JSON result (rc={proc.returncode})"}
    if "error" in result or proc.returncode != 0:
        result.setdefault("error", f"rc={proc.returncode}")
        result["stderr_tail"] = proc.stderr[-1500:]
    result["child_lifetime_s"] = time.monotonic() - t0
    return result


def _last_json_line(stdout: str) -> dict[str, Any] | None:
    """Libraries may print warnings; the result is the last JSON object line."""
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(obj, dict):
                return obj
    return None


# --------------------------------------------------------------------------
# Aggregation


@dataclass
class CellStats:
    cell: Cell
    runs: list[dict[str, Any]]  # successful runs only, each tagged with "round"
    req_per_s: float
    cpu_us: float
    spread: float
    server_util_max: float | None
    rss_mb: float | None

    @property
    def invalid(self) -> bool:
        return self.server_util_max is not None and self.server_util_max > SERVER_UTIL_LIMIT

    def by_round(self) -> dict[int, dict[str, Any]]:
        return {r["round"]: r for r in self.runs}


SERVER_UTIL_LIMIT = 0.30


def aggregate(cell: Cell, runs: list[dict[str, Any]]) -> CellStats | None:
    ok = [r for r in runs if "req_per_s" in r]
    if not ok:
        return None
    rps = [r["req_per_s"] for r in ok]
    med = statistics.median(rps)
    utils = [r["server_util"] for r in ok if r.get("server_util") is not None]
    rss = [r["peak_rss_mb"] for r in ok if r.get("peak_rss_mb") is not None]
    return CellStats(
        cell,
        ok,
        med,
        statistics.median(r["cpu_us_per_req"] for r in ok),
        (max(rps) - min(rps)) / med,
        max(utils) if utils else None,
        statistics.median(rss) if rss else None,
    )


# Ratios reported at every measured C: the goals' pairs first, then context
# pairs (the SDK floor against the transport floor and julep 0.3.9).
_SDK_PAIRS = (
    ("sdk_async", "sdk_async_base"),
    ("sdk_async", "aiohttp_raw"),
    ("sdk_async", "aiohttp_cattrs"),
    ("sdk_async", "julep039"),
)
_SYNC_PAIRS = (
    ("sdk_sync_1t", "sdk_async", 1),
    ("sdk_sync_8t", "sdk_async", 8),
    ("sdk_sync_1t_uvloop", "sdk_async", 1),
    ("sdk_sync_8t_uvloop", "sdk_async", 8),
    ("sdk_sync_1t_uvloop", "sdk_sync_1t", 1),
    ("sdk_sync_8t_uvloop", "sdk_sync_8t", 8),
)
_CONTEXT_PAIRS = (
    ("aiohttp_cattrs", "aiohttp_raw"),
    ("aiohttp_cattrs", "julep039"),
    ("httpx_raw", "aiohttp_raw"),
)


@dataclass
class Ratio:
    num: tuple[str, int]
    den: tuple[str, int]
    value: float | None = None
    per_round: list[float] = field(default_factory=list)
    cpu_delta_us: float | None = None
    # den CPU/req over num CPU/req: the throughput ratio the client's own CPU
    # cost implies, steadier than req/s when other work shares the machine.
    cpu_ratio: float | None = None
    invalid: bool = False

    @property
    def label(self) -> str:
        return f"{self.num[0]} / {self.den[0]} C={self.num[1]}"


def ratio_specs(concurrencies: Iterable[int]) -> list[Ratio]:
    cs = sorted(set(concurrencies))
    specs = [Ratio((n, c), (d, c)) for n, d in _SDK_PAIRS for c in cs]
    specs += [Ratio((n, c), (d, c)) for n, d, c in _SYNC_PAIRS]
    specs += [Ratio((n, c), (d, c)) for n, d in _CONTEXT_PAIRS for c in cs]
    return specs


def compute_ratios(
    stats: dict[tuple[str, int], CellStats], concurrencies: Iterable[int]
) -> list[Ratio]:
    out = []
    for r in ratio_specs(concurrencies):
        num, den = stats.get(r.num), stats.get(r.den)
        if num is None or den is None:
            continue
        r.value = num.req_per_s / den.req_per_s
        r.cpu_delta_us = num.cpu_us - den.cpu_us
        r.cpu_ratio = den.cpu_us / num.cpu_us
        nr, dr = num.by_round(), den.by_round()
        # Same-round ratios are steadier than ratios of medians: drift hits both.
        r.per_round = [nr[k]["req_per_s"] / dr[k]["req_per_s"] for k in sorted(nr) if k in dr]
        r.invalid = num.invalid or den.invalid
        out.append(r)
    return out


@dataclass(frozen=True)
class Goal:
    text: str
    num: tuple[str, int]
    den: tuple[str, int]
    target: float


GOALS = (
    Goal(
        "SDK async >= 0.8x raw aiohttp at C=64",
        ("sdk_async", 64),
        ("aiohttp_raw", 64),
        0.8,
    ),
    Goal(
        "SDK async >= 0.8x raw aiohttp at C=512",
        ("sdk_async", 512),
        ("aiohttp_raw", 512),
        0.8,
    ),
    Goal(
        "SDK async >= 0.95x aiohttp+cattrs at C=64",
        ("sdk_async", 64),
        ("aiohttp_cattrs", 64),
        0.95,
    ),
    Goal(
        "SDK async >= 0.95x aiohttp+cattrs at C=512",
        ("sdk_async", 512),
        ("aiohttp_cattrs", 512),
        0.95,
    ),
    Goal(
        "SDK async >= 10x julep 0.3.9 at C=64",
        ("sdk_async", 64),
        ("julep039", 64),
        10.0,
    ),
    Goal("SDK sync C=1 >= 0.6x SDK async C=1", ("sdk_sync_1t", 1), ("sdk_async", 1), 0.6),
    Goal(
        "SDK sync 8 threads on uvloop >= 1.0x SDK async C=8",
        ("sdk_sync_8t_uvloop", 8),
        ("sdk_async", 8),
        1.0,
    ),
)


@dataclass(frozen=True)
class MemoryGoal:
    text: str
    num: tuple[str, int]
    den: tuple[str, int]
    limit: float  # at most this many times the baseline's peak RSS


MEMORY_GOALS = (
    MemoryGoal(
        "SDK async peak RSS <= 1.5x raw aiohttp at C=512",
        ("sdk_async", 512),
        ("aiohttp_raw", 512),
        1.5,
    ),
)


def evaluate_memory_goals(stats: dict[tuple[str, int], CellStats]) -> list[dict[str, Any]]:
    out = []
    for g in MEMORY_GOALS:
        num, den = stats.get(g.num), stats.get(g.den)
        if num is None or den is None or num.rss_mb is None or den.rss_mb is None:
            out.append({"goal": g.text, "target": g.limit, "ratio": None, "status": "n/a"})
            continue
        value = num.rss_mb / den.rss_mb
        status = "PASS" if value <= g.limit else "MISS"
        out.append({"goal": g.text, "target": g.limit, "ratio": value, "status": status})
    return out


def evaluate_goals(ratios: list[Ratio]) -> list[dict[str, Any]]:
    by_key = {(r.num, r.den): r for r in ratios}
    out = []
    for g in GOALS:
        r = by_key.get((g.num, g.den))
        cpu_ratio = None if r is None else r.cpu_ratio
        if r is None or r.value is None:
            status, value = "n/a", None
        else:
            value = r.value
            status = "PASS" if value >= g.target else "MISS"
            if r.invalid:
                status += " (INVALID: server CPU > 30%)"
        out.append(
            {
                "goal": g.text,
                "target": g.target,
                "ratio": value,
                "cpu_ratio": cpu_ratio,
                "status": status,
            }
        )
    return out


# --------------------------------------------------------------------------
# Output


def _fmt(x: float | None, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def format_table(stats: list[CellStats]) -> str:
    head = (
        f"{'variant':<20}{'C':>5}{'N':>7}{'req/s':>10}{'CPU us/req':>12}"
        f"{'spread':>8}{'server':>8}{'RSS MB':>8}{'runs':>6}"
    )
    lines = [head, "-" * len(head)]
    for s in stats:
        flag = "  INVALID (server > 30% of a core)" if s.invalid else ""
        lines.append(
            f"{s.cell.variant:<20}{s.cell.concurrency:>5}{s.cell.requests:>7}"
            f"{s.req_per_s:>10,.0f}{s.cpu_us:>12,.0f}{s.spread:>8.0%}"
            f"{_fmt(s.server_util_max, '.2f'):>8}{_fmt(s.rss_mb, '.0f'):>8}{len(s.runs):>6}{flag}"
        )
    return "\n".join(lines)


def format_ratios(ratios: list[Ratio]) -> str:
    lines = []
    for r in ratios:
        rounds = " ".join(f"{x:.2f}" for x in r.per_round)
        flag = "  INVALID" if r.invalid else ""
        lines.append(
            f"  {r.label:<44}{_fmt(r.value, '7.2f')}x   dCPU {_fmt(r.cpu_delta_us, '+6.0f')} us"
            f"   per round: {rounds}{flag}"
        )
    return "\n".join(lines) if lines else "  (no comparable pairs measured)"


# --------------------------------------------------------------------------
# Machine info


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine_info() -> dict[str, Any]:
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "nproc": os.cpu_count(),
        "affinity": affinity,
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "platform": platform.platform(),
        "python": sys.version,
        "loadavg": os.getloadavg() if hasattr(os, "getloadavg") else None,
    }


# --------------------------------------------------------------------------
# CLI


def _int_list(text: str) -> list[int]:
    values = [int(x) for x in text.split(",") if x.strip()]
    if not values or any(v < 1 for v in values):
        raise argparse.ArgumentTypeError("expected positive integers, e.g. 1,64,512")
    return values


def _variant_list(text: str) -> list[str]:
    names = [x.strip() for x in text.split(",") if x.strip()]
    unknown = [n for n in names if n not in ALL_VARIANTS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown variant(s) {unknown}; choose from {ALL_VARIANTS}"
        )
    return names


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--concurrency", type=_int_list, default=[1, 64, 512], help="default 1,64,512")
    p.add_argument(
        "--requests",
        type=int,
        default=20_000,
        help="timed requests per run (default 20000)",
    )
    p.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="interleaved rounds; cells report the median",
    )
    p.add_argument(
        "--variants",
        type=_variant_list,
        default=None,
        help="comma list from: " + ",".join(ALL_VARIANTS) + " (default: all that apply)",
    )
    p.add_argument(
        "--julep039-python",
        default=os.environ.get("JULEP039_PYTHON"),
        help="python of a virtualenv with julep==0.3.9 (default: $JULEP039_PYTHON)",
    )
    p.add_argument(
        "--julep039-c512-requests",
        type=int,
        default=2000,
        help="N cap for julep039 at C>=512 (default 2000)",
    )
    p.add_argument("--python", default=sys.executable, help="interpreter for all other variants")
    p.add_argument("--sdk-root", type=Path, default=REPO_ROOT, help="directory containing julep/")
    p.add_argument(
        "--baseline-sdk-root",
        type=Path,
        default=None,
        help="another checkout's root, run as sdk_async_base (before/after in one run)",
    )
    add_server_arguments(p)
    p.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    p.add_argument(
        "--child-timeout",
        type=float,
        default=300.0,
        help="seconds per child before kill",
    )
    p.add_argument(
        "--max-total-seconds",
        type=float,
        default=3600.0,
        help="stop starting new runs after this long",
    )
    p.add_argument("--json", type=Path, default=HERE / "results" / "chat_throughput.json")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="CI check: C=8, a few requests, 1 round, unpinned; exit 1 if any run fails",
    )
    args = p.parse_args(argv)
    if args.variants is None:
        args.variants = [v for v in ALL_VARIANTS if v != "sdk_async_base" or args.baseline_sdk_root]
    elif "sdk_async_base" in args.variants and args.baseline_sdk_root is None:
        p.error("sdk_async_base needs --baseline-sdk-root")
    if args.smoke:
        args.concurrency, args.requests, args.rounds = [8], SMOKE_REQUESTS, 1
        args.no_pin, args.child_timeout, args.max_total_seconds = True, 60.0, 300.0
    if args.requests < 1 or args.rounds < 1:
        p.error("--requests and --rounds must be >= 1")
    return args


SMOKE_REQUESTS = 20


def add_server_arguments(p: argparse.ArgumentParser) -> None:
    """Which server serves, and where it and the client run (see ``resolve_pinning``)."""
    p.add_argument("--server", choices=("auto", "nginx", "asyncio"), default="auto")
    p.add_argument("--nginx", default=None, help="nginx binary (default: from PATH)")
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    p.add_argument("--no-pin", action="store_true", help="do not pin server/client to CPUs")


def resolve_pinning(args: argparse.Namespace, notes: list[str]) -> None:
    """Pin only when both CPUs exist and differ; otherwise run unpinned and say so."""
    avail = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if args.no_pin:
        args.server_cpu = args.client_cpu = None
        notes.append("CPU pinning disabled (--no-pin)")
    elif not {args.server_cpu, args.client_cpu} <= avail or args.server_cpu == args.client_cpu:
        notes.append(
            f"cannot pin server to CPU {args.server_cpu} and client to CPU {args.client_cpu} "
            f"(available: {sorted(avail)}); running unpinned"
        )
        args.server_cpu = args.client_cpu = None


def interpreter_for(variant: str, args: argparse.Namespace) -> str | None:
    python: str | None = args.julep039_python if variant == "julep039" else args.python
    return python


def missing_interpreter(variant: str, python: str | None) -> str | None:
    """Why ``python`` cannot run ``variant``, or None if it looks usable."""
    if python is None:
        return "no julep 0.3.9 interpreter (--julep039-python or JULEP039_PYTHON)"
    if shutil.which(python) is None:
        return f"interpreter {python!r} not found"
    return None


def run_rounds(
    plan: Plan,
    args: argparse.Namespace,
    server: _servers.Server,
    workdir: Path,
    skipped: dict[str, str],
) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    started = time.monotonic()
    for rnd in range(1, args.rounds + 1):
        for cell in plan.cells:
            if cell.variant in skipped:
                continue
            if time.monotonic() - started > args.max_total_seconds:
                plan.notes.append(
                    f"--max-total-seconds reached in round {rnd}; remaining runs dropped"
                )
                return runs
            if not server.alive():
                raise RuntimeError(
                    f"{server.kind} died (rc={server.proc.returncode}); see {server.log_path}"
                )
            python = interpreter_for(cell.variant, args)
            why = missing_interpreter(cell.variant, python)
            if why is not None:
                skipped[cell.variant] = why
                print(f"  skip {cell.variant}: {why}", flush=True)
                continue
            assert python is not None
            res = run_child(cell, python, server, args, workdir)
            res.update(round=rnd, cell_variant=cell.variant, cell_concurrency=cell.concurrency)
            runs.append(res)
            print("  " + progress_line(rnd, cell, res), flush=True)
            if "skip" in res:  # same interpreter, same reason next round: don't retry
                skipped[cell.variant] = res["skip"]
    return runs


def progress_line(rnd: int, cell: Cell, res: dict[str, Any]) -> str:
    tag = f"round {rnd} {cell.variant:<19} C={cell.concurrency:<4}"
    if "skip" in res:
        return f"{tag} SKIP: {res['skip']}"
    if "error" in res:
        return f"{tag} ERROR: {res['error']}\n{res.get('stderr_tail', '')}"
    util = res.get("server_util")
    return (
        f"{tag} {res['req_per_s']:>9,.0f} req/s {res['cpu_us_per_req']:>7,.0f} us/req"
        f"  server {_fmt(util, '.2f')}"
    )


def child_notes(runs: list[dict[str, Any]]) -> list[str]:
    """Notes the children reported (which julep was imported, pool fallbacks)."""
    seen: dict[str, None] = {}
    for r in runs:
        for n in r.get("notes", []):
            seen.setdefault(f"{r['cell_variant']}: {n}", None)
    return list(seen)


def report(
    plan: Plan,
    runs: list[dict[str, Any]],
    *,
    skipped: dict[str, str],
    args: argparse.Namespace,
    server: _servers.Server,
    meta: dict[str, Any],
) -> None:
    stats: dict[tuple[str, int], CellStats] = {}
    for cell in plan.cells:
        s = aggregate(
            cell,
            [
                r
                for r in runs
                if (r["cell_variant"], r["cell_concurrency"]) == (cell.variant, cell.concurrency)
            ],
        )
        if s is not None:
            stats[(cell.variant, cell.concurrency)] = s
    ordered = [
        stats[(c.variant, c.concurrency)]
        for c in sorted(plan.cells, key=lambda c: (ALL_VARIANTS.index(c.variant), c.concurrency))
        if (c.variant, c.concurrency) in stats
    ]
    ratios = compute_ratios(stats, {c.concurrency for c in plan.cells})
    goals = evaluate_goals(ratios) + evaluate_memory_goals(stats)

    print(
        f"\nchat throughput: median of {args.rounds} round(s); "
        f"server {server.kind} {server.version}; "
        f"client CPU {args.client_cpu}, server CPU {args.server_cpu}"
    )
    print(
        "spread = (max-min)/median of req/s; "
        "server = max CPU share of the serving process during timed runs\n"
    )
    print(format_table(ordered))
    print("\nratios (req/s of medians; dCPU = client CPU us/req difference):")
    print(format_ratios(ratios))
    print("\ngoals:")
    for g in goals:
        measured = "not measured" if g["ratio"] is None else f"measured {g['ratio']:.2f}x"
        if g.get("cpu_ratio") is not None:
            measured += f" (by CPU/req {g['cpu_ratio']:.2f}x)"
        print(f"  {g['status']:<6} {g['goal']:<54} {measured}")
    errors = [r for r in runs if "error" in r]
    if args.smoke:
        plan.notes.append("smoke run: too few requests for the numbers to mean anything")
    for note in (
        sorted(set(plan.notes))
        + child_notes(runs)
        + [f"skipped {v}: {why}" for v, why in skipped.items()]
        + [f"{len(errors)} run(s) failed; see JSON"] * bool(errors)
    ):
        print(f"note: {note}")

    meta["finished"] = dt.datetime.now(dt.timezone.utc).isoformat()
    meta["loadavg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    doc = {
        "meta": meta,
        "package_versions": {r["python"]: r["versions"] for r in runs if "versions" in r},
        "cells": [
            {
                **s.cell.__dict__,
                "req_per_s": s.req_per_s,
                "cpu_us_per_req": s.cpu_us,
                "spread": s.spread,
                "server_util_max": s.server_util_max,
                "peak_rss_mb": s.rss_mb,
                "invalid": s.invalid,
                "runs": len(s.runs),
            }
            for s in ordered
        ],
        "ratios": [{"label": r.label, **r.__dict__} for r in ratios],
        "goals": goals,
        "skipped": skipped,
        "notes": sorted(set(plan.notes)),
        "runs": runs,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    print(f"\nwrote {args.json}")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = build_plan(args)
    resolve_pinning(args, plan.notes)
    meta: dict[str, Any] = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(),
        "argv": sys.argv,
        "machine": machine_info(),
        "args": {k: str(v) for k, v in vars(args).items()},
    }
    skipped: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="julep-bench-") as tmp:
        workdir = Path(tmp)
        port = args.port or _servers.free_port()
        server = _servers.start_server(
            args.server,
            nginx=args.nginx,
            python=args.python,
            prefix=workdir,
            port=port,
            cpu=args.server_cpu,
        )
        try:
            meta["server"] = {
                "kind": server.kind,
                "version": server.version,
                "port": port,
            }
            if server.kind != "nginx":
                plan.notes.append(
                    "serving from the asyncio stub, not nginx: watch the server CPU column"
                )
            print(
                f"server: {server.kind} {server.version} on 127.0.0.1:{port} "
                f"(serving pid {server.cpu_pid}); {len(plan.cells)} cells x {args.rounds} rounds",
                flush=True,
            )
            runs = run_rounds(plan, args, server, workdir, skipped)
        finally:
            server.stop()
    report(plan, runs, skipped=skipped, args=args, server=server, meta=meta)
    failed = [r for r in runs if "error" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
