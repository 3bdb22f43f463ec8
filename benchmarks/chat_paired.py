"""Paired chat throughput: the SDK and its floors in one process, in short alternating bursts.

``chat_throughput.py`` runs each variant in a fresh interpreter for a whole
timed run. On a shared virtual machine the CPU's speed moves by tens of
percent over seconds, so two runs a minute apart can differ more than the
variants do, and a ratio of medians over a few rounds still swings.

Here every variant's client is open in the same event loop, against the same
server, and they take turns in bursts of ``--burst`` requests at concurrency C.
One round is a palindrome, the numerator (the SDK) in the middle:

    aiohttp_raw, aiohttp_cattrs, sdk_async, aiohttp_cattrs, aiohttp_raw

so each variant's bursts are centred on the same instant and a drift that is
linear over the round cancels. Each round gives one ratio per pair, by req/s
and by client CPU per request (the process's CPU during the burst); the report
is the median over ``--rounds`` rounds with the quartiles. A full collection
runs before every burst, outside the timing, so no burst pays for the garbage
of the one before.

    python benchmarks/chat_paired.py                                # C=64,512
    python benchmarks/chat_paired.py --concurrency 64 --burst 3000 --rounds 21
    python benchmarks/chat_paired.py --smoke                        # what CI runs

Same process means shared caches and one interpreter: this measures the
clients' costs relative to each other, not each one's cold behaviour (that is
``chat_throughput.py``'s job).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import gc
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import _bench_client
import _servers
import chat_throughput

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # the checkout's julep, as the other scripts use

NUMERATOR = "sdk_async"
DENOMINATORS = ("aiohttp_raw", "aiohttp_cattrs")
# Issue 13's goals for each pair (SDK over the denominator).
GOALS = {"aiohttp_raw": 0.8, "aiohttp_cattrs": 0.95}


@dataclass
class Burst:
    variant: str
    wall_s: float
    cpu_s: float
    requests: int

    @property
    def req_per_s(self) -> float:
        return self.requests / self.wall_s

    @property
    def cpu_us_per_req(self) -> float:
        return self.cpu_s / self.requests * 1e6


@dataclass
class PairResult:
    denominator: str
    concurrency: int
    by_rate: list[float] = field(default_factory=list)
    by_cpu: list[float] = field(default_factory=list)


def _parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--concurrency", type=chat_throughput._int_list, default=[64, 512])
    p.add_argument(
        "--burst",
        type=int,
        default=None,
        help="requests per burst (default: the larger of 2000 and 16 per worker, 16C)",
    )
    p.add_argument("--rounds", type=int, default=15, help="palindromes per C (default 15)")
    chat_throughput.add_server_arguments(p)
    p.add_argument(
        "--max-total-seconds",
        type=float,
        default=1800.0,
        help="stop starting rounds after this long (default 1800)",
    )
    p.add_argument("--json", type=Path, default=HERE / "results" / "chat_paired.json")
    p.add_argument("--smoke", action="store_true", help="CI check: C=4, tiny bursts, unpinned")
    args = p.parse_args(argv)
    if args.smoke:
        args.concurrency, args.burst, args.rounds = [4], 20, 2
        args.no_pin, args.max_total_seconds = True, 120.0
    if (args.burst is not None and args.burst < 1) or args.rounds < 1 or min(args.concurrency) < 1:
        p.error("--burst, --rounds and every --concurrency must be >= 1")
    return args


def palindrome() -> list[str]:
    """The order of one round: denominators out and back, the SDK in the middle."""
    return [*DENOMINATORS, NUMERATOR, *reversed(DENOMINATORS)]


async def _burst(name: str, call: _bench_client.AsyncCall, concurrency: int, n: int) -> Burst:
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await _bench_client.closed_loop_async(call, concurrency, n)
    return Burst(name, time.perf_counter() - wall0, time.process_time() - cpu0, n)


def _round_ratios(bursts: list[Burst], results: dict[str, PairResult]) -> None:
    middle = bursts[len(bursts) // 2]
    for name in DENOMINATORS:
        mine = [b for b in bursts if b.variant == name]
        # Each denominator's two bursts sit symmetrically around the SDK's.
        rate = statistics.fmean(b.req_per_s for b in mine)
        cpu = statistics.fmean(b.cpu_us_per_req for b in mine)
        res = results[name]
        res.by_rate.append(middle.req_per_s / rate)
        res.by_cpu.append(cpu / middle.cpu_us_per_req)


async def measure(concurrency: int, args: argparse.Namespace, port: int) -> dict[str, Any]:
    """All rounds at one concurrency; every variant's client open throughout."""
    _bench_client._raise_fd_limit(concurrency * (len(DENOMINATORS) + 1))
    # Short bursts would be mostly ramp-up and ramp-down, when fewer than C
    # workers are busy: each worker sends 16 requests or more per burst.
    burst = args.burst or max(2000, 16 * concurrency)
    warmup = chat_throughput.warmup_for(concurrency, max(burst, 500))
    results = {name: PairResult(name, concurrency) for name in DENOMINATORS}
    bursts: list[Burst] = []
    deadline = time.monotonic() + args.max_total_seconds
    async with contextlib.AsyncExitStack() as stack:
        calls: dict[str, _bench_client.AsyncCall] = {}
        for name in (*DENOMINATORS, NUMERATOR):
            cfg = _bench_client.Config(name, concurrency, burst, warmup, port, 0)
            variant = await stack.enter_async_context(_bench_client.ASYNC_VARIANTS[name](cfg))
            # Fill each pool with C connections, then check one answer, untimed.
            await _bench_client.closed_loop_async(variant.call, concurrency, warmup)
            variant.validate(await variant.call())
            calls[name] = variant.call
        for index in range(args.rounds):
            if time.monotonic() > deadline:
                print(f"  C={concurrency}: --max-total-seconds reached after {index} rounds")
                break
            one = [await _burst(n, calls[n], concurrency, burst) for n in palindrome()]
            bursts.extend(one)
            _round_ratios(one, results)
            shown = "  ".join(f"{b.variant} {b.req_per_s:7.0f}/s" for b in one)
            print(f"  C={concurrency} round {index + 1}: {shown}", flush=True)
    return {
        "concurrency": concurrency,
        "burst": burst,
        "pairs": {name: _summary(res) for name, res in results.items()},
        "bursts": [vars(b) for b in bursts],
    }


def _summary(res: PairResult) -> dict[str, Any]:
    out: dict[str, Any] = {"rounds": len(res.by_rate)}
    for key, values in (("by_rate", res.by_rate), ("by_cpu", res.by_cpu)):
        if not values:
            continue
        quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else values * 3
        out[key] = {
            "median": statistics.median(values),
            "q1": quartiles[0],
            "q3": quartiles[2],
            "min": min(values),
            "max": max(values),
            "each": values,
        }
    return out


def report(cells: list[dict[str, Any]]) -> None:
    print(f"\n{NUMERATOR} over each floor, median of the rounds [quartiles]:")
    for cell in cells:
        for name, summary in cell["pairs"].items():
            if "by_rate" not in summary:
                continue
            rate, cpu, goal = summary["by_rate"], summary["by_cpu"], GOALS[name]
            verdict = "PASS" if rate["median"] >= goal else "MISS"
            print(
                f"  C={cell['concurrency']:<4} / {name:<15} by req/s {rate['median']:.3f} "
                f"[{rate['q1']:.3f}-{rate['q3']:.3f}]  by CPU/req {cpu['median']:.3f} "
                f"[{cpu['q1']:.3f}-{cpu['q3']:.3f}]  goal >= {goal}: {verdict} "
                f"({summary['rounds']} rounds)"
            )


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    notes: list[str] = []
    chat_throughput.resolve_pinning(args, notes)
    if args.client_cpu is not None:
        os.sched_setaffinity(0, {args.client_cpu})
    for note in notes:
        print(f"note: {note}")
    if args.smoke:
        print("note: smoke run: too few requests for the numbers to mean anything")
    cells: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="julep-paired-") as tmp:
        port = _servers.free_port()
        server = _servers.start_server(
            args.server,
            nginx=args.nginx,
            python=sys.executable,
            prefix=Path(tmp),
            port=port,
            cpu=args.server_cpu,
        )
        try:
            print(f"server: {server.kind} {server.version} on 127.0.0.1:{port}", flush=True)
            for concurrency in args.concurrency:
                cells.append(asyncio.run(measure(concurrency, args, port)))
        finally:
            server.stop()
    report(cells)
    doc = {
        "started": dt.datetime.now(dt.timezone.utc).isoformat(),
        "argv": sys.argv,
        "machine": chat_throughput.machine_info(),
        "server": {"kind": server.kind, "version": server.version},
        "notes": notes,
        "args": {k: str(v) for k, v in vars(args).items()},
        "cells": cells,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
