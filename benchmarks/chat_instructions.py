"""Instructions per chat request: the SDK against its floors, counted, not timed.

On a shared machine the req/s of ``chat_throughput.py`` drift by 10-20%
between rounds, more than most single changes to the request path are worth.
This script counts the CPU instructions the client executes instead (valgrind's
callgrind), which repeat to within about 1% from run to run at C=1.

Method: each variant runs ``_bench_client.py`` twice under callgrind against
the same loopback server (nginx when on PATH, else the asyncio stub): once with
``--requests A`` and once with ``--requests A + N``. Start-up, imports and the
warm-up are the same in both, so the difference divided by N is the cost of
one request: the client's whole process, event loop and aiohttp included.

At higher concurrency the count depends on how many responses each turn of
the event loop finds ready, which varies from run to run (a few percent at
C=64). ``--rounds R`` runs every variant R times, interleaved, and reports the
median of each, with the spread.

    python benchmarks/chat_instructions.py                         # C=1, N=1000
    python benchmarks/chat_instructions.py --baseline-sdk-root <other checkout>
    python benchmarks/chat_instructions.py --smoke                 # what CI runs

Without valgrind (``apt-get install valgrind``), or with ``--smoke``, each
variant runs once natively with a few requests and no count is made: CI checks
that the variants still run, not their counts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import _servers
import chat_throughput

HERE = Path(__file__).resolve().parent
DEFAULT_VARIANTS = ("aiohttp_raw", "aiohttp_cattrs", "sdk_async")
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")
# What each ratio compares, and the goal of issue 13 it stands for (None: no goal).
_RATIOS: tuple[tuple[str, str, float | None], ...] = (
    ("sdk_async", "aiohttp_raw", 0.8),
    ("sdk_async", "aiohttp_cattrs", 0.95),
    ("aiohttp_cattrs", "aiohttp_raw", None),
    ("sdk_async", "sdk_async_base", None),
)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--variants", default=None, help="comma list (default: raw, floor, SDK)")
    p.add_argument("--concurrency", type=int, default=1, help="workers (default 1: steadiest)")
    p.add_argument("--requests", type=int, default=1000, help="N, the requests counted")
    p.add_argument("--base-requests", type=int, default=500, help="A, the run subtracted")
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--rounds", type=int, default=1, help="R interleaved runs; medians reported")
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--sdk-root", type=Path, default=HERE.parent)
    p.add_argument("--baseline-sdk-root", type=Path, default=None)
    p.add_argument("--server", choices=("auto", "nginx", "asyncio"), default="auto")
    p.add_argument("--child-timeout", type=float, default=600.0)
    p.add_argument("--json", type=Path, default=HERE / "results" / "chat_instructions.json")
    p.add_argument("--smoke", action="store_true", help="run each variant natively, count nothing")
    args = p.parse_args(argv)
    if args.variants is None:
        extra = ("sdk_async_base",) if args.baseline_sdk_root else ()
        args.variants = [*DEFAULT_VARIANTS, *extra]
    else:
        args.variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(args.variants) - set(chat_throughput.ALL_VARIANTS)
    if unknown:
        p.error(f"unknown variants: {sorted(unknown)}")
    if "sdk_async_base" in args.variants and args.baseline_sdk_root is None:
        p.error("sdk_async_base needs --baseline-sdk-root")
    if args.requests < 1 or args.base_requests < 1 or args.rounds < 1:
        p.error("--requests, --base-requests and --rounds must be >= 1")
    if args.smoke:
        args.requests, args.base_requests, args.warmup, args.rounds = 10, 10, 10, 1
    return args


def _run_child(
    variant: str, requests: int, port: int, args: argparse.Namespace, valgrind: str | None
) -> tuple[int | None, str | None]:
    """One client run: (instructions counted or None, error or None)."""
    cmd = [
        args.python,
        str(chat_throughput.CLIENT_SCRIPT),
        *("--variant", variant, "--concurrency", str(args.concurrency)),
        *("--requests", str(requests), "--warmup", str(args.warmup), "--port", str(port)),
    ]
    if valgrind is not None:
        cmd = [valgrind, "--tool=callgrind", "--callgrind-out-file=/dev/null", *cmd]
    try:
        proc = subprocess.run(
            cmd,
            check=False,
            capture_output=True,
            text=True,
            timeout=args.child_timeout,
            env=chat_throughput.child_env(variant, args),
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return None, f"timed out after {args.child_timeout:.0f}s"
    result = chat_throughput._last_json_line(proc.stdout) or {}
    if proc.returncode != 0 or "error" in result or "skip" in result:
        reason = result.get("skip") or result.get("error") or f"rc={proc.returncode}"
        return None, f"{reason} {proc.stderr[-800:]}".strip()
    if valgrind is None:
        return None, None
    found = _COLLECTED.findall(proc.stderr)
    if not found:
        return None, f"callgrind printed no count: {proc.stderr[-800:]}"
    return int(found[-1]), None


def _count(
    variant: str, port: int, args: argparse.Namespace, valgrind: str
) -> tuple[float | None, str | None]:
    """Instructions per request of one variant: (count or None, error or None)."""
    base, error = _run_child(variant, args.base_requests, port, args, valgrind)
    if error or base is None:
        return None, error or "no count"
    more, error = _run_child(variant, args.base_requests + args.requests, port, args, valgrind)
    if error or more is None:
        return None, error or "no count"
    return (more - base) / args.requests, None


def measure(args: argparse.Namespace, port: int, valgrind: str | None) -> dict[str, Any]:
    rounds: dict[str, list[float]] = {variant: [] for variant in args.variants}
    errors: dict[str, str] = {}
    for round_no in range(1, args.rounds + 1):
        if args.rounds > 1:
            print(f" round {round_no}/{args.rounds}", flush=True)
        for variant in args.variants:
            if variant in errors:
                continue
            if valgrind is None:
                _, error = _run_child(variant, args.requests, port, args, None)
                if error:
                    errors[variant] = error
                print(f"  {variant:16s} {'ran' if not error else 'FAILED: ' + error}", flush=True)
                continue
            count, error = _count(variant, port, args, valgrind)
            if error or count is None:
                errors[variant] = error or "no count"
                print(f"  {variant:16s} FAILED: {errors[variant]}", flush=True)
                continue
            rounds[variant].append(count)
            print(f"  {variant:16s} {count:>10,.0f} instructions/request", flush=True)
    per_request = {v: statistics.median(c) for v, c in rounds.items() if c and v not in errors}
    if args.rounds > 1 and per_request:
        print(" medians (min-max):")
        for variant, median in per_request.items():
            low, high = min(rounds[variant]), max(rounds[variant])
            print(f"  {variant:16s} {median:>10,.0f}   ({low:,.0f}-{high:,.0f})")
    return {"instructions_per_request": per_request, "rounds": rounds, "errors": errors}


def ratios(per_request: dict[str, float]) -> list[dict[str, Any]]:
    """Throughput ratios as instruction counts imply them (fewer is faster)."""
    out = []
    for variant, against, goal in _RATIOS:
        if variant in per_request and against in per_request:
            ratio = per_request[against] / per_request[variant]
            out.append({"variant": variant, "against": against, "ratio": ratio, "goal": goal})
    return out


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    valgrind = None if args.smoke else shutil.which("valgrind")
    if valgrind is None and not args.smoke:
        print("valgrind not found (apt-get install valgrind): running each variant, counting none")
    with tempfile.TemporaryDirectory(prefix="julep-instr-") as tmp:
        port = _servers.free_port()
        server = _servers.start_server(
            args.server, nginx=None, python=args.python, prefix=Path(tmp), port=port, cpu=None
        )
        try:
            print(
                f"server: {server.kind} {server.version}; C={args.concurrency}, N={args.requests}"
            )
            result = measure(args, port, valgrind)
        finally:
            server.stop()
    result["ratios"] = ratios(result["instructions_per_request"])
    for r in result["ratios"]:
        goal = "" if r["goal"] is None else f"   goal >= {r['goal']}x"
        print(f"  {r['variant']} / {r['against']}: {r['ratio']:.2f}x{goal}")
    result.update(
        started=dt.datetime.now(dt.timezone.utc).isoformat(),
        counted=valgrind is not None,
        args={k: str(v) for k, v in vars(args).items()},
        server={"kind": server.kind, "version": server.version},
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2))
    print(f"wrote {args.json}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
