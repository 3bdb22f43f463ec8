"""Per-call cost of bridging a sync caller onto an event-loop thread.

Informs the sync facade's design (one long-lived bridge per client): each
measurement awaits an async no-op, so everything timed is bridge overhead.

  portal_call      anyio ``start_blocking_portal()`` kept open, ``portal.call(noop)``
  rcts             ``asyncio.run_coroutine_threadsafe(noop(), loop).result()``
                   against a dedicated loop thread running ``loop.run_forever()``
  portal_per_call  a new portal per call (what the facade must never do)
  portal_uvloop    as portal_call, with the portal's loop on uvloop (skipped
                   when uvloop is not installed: pip install -e '.[speed]')
  julep_portal     the SDK's own bridge, as every JulepApi call crosses it
                   (julep._portal.Portal.call; its loop on uvloop when
                   installed, unless JULEP_UVLOOP=0)

Each is run from 1 caller thread and from 8 threads sharing one bridge
(portal_per_call: 1 thread only, with fewer calls). Interleaved rounds,
median reported. CPU is getrusage(RUSAGE_SELF) user+sys, all threads.

    python benchmarks/portal_overhead.py [--calls 20000] [--rounds 3] [--smoke]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from anyio.from_thread import start_blocking_portal

Call = Callable[[], object]


async def _noop() -> None:
    return None


# --------------------------------------------------------------------------
# Bridges: each yields a zero-argument callable that does one round trip.


@contextmanager
def portal_call() -> Iterator[Call]:
    with start_blocking_portal() as portal:
        yield lambda: portal.call(_noop)


@contextmanager
def portal_uvloop() -> Iterator[Call]:
    with start_blocking_portal(backend_options={"use_uvloop": True}) as portal:
        yield lambda: portal.call(_noop)


@contextmanager
def julep_portal() -> Iterator[Call]:
    from julep._portal import Portal

    async def _no_cleanup() -> None:
        return None

    portal = Portal(on_fork=lambda: None)
    try:
        yield lambda: portal.call(_noop())
    finally:
        portal.shutdown(_no_cleanup)


@contextmanager
def rcts() -> Iterator[Call]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="bench-loop", daemon=True)
    thread.start()
    try:
        yield lambda: asyncio.run_coroutine_threadsafe(_noop(), loop).result()
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()


@contextmanager
def portal_per_call() -> Iterator[Call]:
    def call() -> None:
        with start_blocking_portal() as portal:
            portal.call(_noop)

    yield call


BRIDGES: dict[str, Callable[[], AbstractContextManager[Call]]] = {
    "portal_call": portal_call,
    "rcts": rcts,
    "portal_per_call": portal_per_call,
    "portal_uvloop": portal_uvloop,
    "julep_portal": julep_portal,
}


def _have_uvloop() -> bool:
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return False
    return True


# --------------------------------------------------------------------------
# Driver


@dataclass
class Sample:
    method: str
    threads: int
    calls: int
    wall_s: float
    cpu_s: float

    @property
    def us_per_call(self) -> float:
        return self.wall_s / self.calls * 1e6

    @property
    def cpu_us_per_call(self) -> float:
        return self.cpu_s / self.calls * 1e6


def _drive(call: Call, threads: int, calls: int, deadline: float) -> int:
    """Make up to ``calls`` calls from ``threads`` threads; stop at ``deadline``.

    Returns the number of calls actually made (fewer only on timeout).
    """
    lock = threading.Lock()
    done = 0

    def worker() -> None:
        nonlocal done
        while True:
            with lock:
                # Checking the clock under the lock is cheap next to a ~100 us hop.
                if done >= calls or time.monotonic() > deadline:
                    return
                done += 1
            call()

    if threads == 1:
        worker()
        return done
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return done


def measure(method: str, threads: int, calls: int, max_seconds: float) -> Sample:
    with BRIDGES[method]() as call:
        warm = max(1, calls // 10)  # first calls pay thread start-up and imports
        _drive(call, threads, warm, time.monotonic() + max_seconds)
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        made = _drive(call, threads, calls, time.monotonic() + max_seconds)
        wall = time.perf_counter() - t0
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
    return Sample(method, threads, max(made, 1), wall, cpu)


def plan(calls: int, per_call_calls: int) -> list[tuple[str, int, int]]:
    steps = [
        ("portal_call", 1, calls),
        ("rcts", 1, calls),
        ("portal_call", 8, calls),
        ("rcts", 8, calls),
        ("portal_per_call", 1, per_call_calls),
        ("julep_portal", 1, calls),
        ("julep_portal", 8, calls),
    ]
    if _have_uvloop():
        steps += [("portal_uvloop", 1, calls), ("portal_uvloop", 8, calls)]
    return steps


def summarize(samples: list[Sample]) -> list[dict[str, float | int | str]]:
    rows: list[dict[str, float | int | str]] = []
    keys = list(dict.fromkeys((s.method, s.threads) for s in samples))
    for method, threads in keys:
        group = [s for s in samples if (s.method, s.threads) == (method, threads)]
        us = [s.us_per_call for s in group]
        med = statistics.median(us)
        rows.append(
            {
                "method": method,
                "threads": threads,
                "calls": group[0].calls,
                "us_per_call": med,
                "calls_per_s": 1e6 / med,
                "cpu_us_per_call": statistics.median(s.cpu_us_per_call for s in group),
                "spread": (max(us) - min(us)) / med,
                "rounds": len(group),
            }
        )
    return rows


def print_rows(rows: list[dict[str, float | int | str]]) -> None:
    head = (
        f"{'method':<17}{'threads':>8}{'calls':>8}{'us/call':>10}"
        f"{'calls/s':>10}{'CPU us/call':>13}{'spread':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r['method']:<17}{r['threads']:>8}{r['calls']:>8}{r['us_per_call']:>10.1f}"
            f"{r['calls_per_s']:>10,.0f}{r['cpu_us_per_call']:>13.1f}{r['spread']:>8.0%}"
        )
    by = {(r["method"], r["threads"]): float(r["us_per_call"]) for r in rows}
    for t in (1, 8):
        if ("portal_call", t) in by and ("rcts", t) in by:
            ratio = by[("rcts", t)] / by[("portal_call", t)]
            print(f"rcts / portal_call wall time per call, {t} thread(s): {ratio:.2f}x")
        if ("portal_call", t) in by and ("julep_portal", t) in by:
            ratio = by[("portal_call", t)] / by[("julep_portal", t)]
            print(f"portal_call / julep_portal wall time per call, {t} thread(s): {ratio:.2f}x")


def pin(cpu: int | None) -> str:
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return "unpinned"
    if cpu not in os.sched_getaffinity(0):
        return f"unpinned (CPU {cpu} not available)"
    os.sched_setaffinity(0, {cpu})
    return f"pinned to CPU {cpu}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--calls", type=int, default=20_000, help="calls per measurement")
    p.add_argument("--per-call-calls", type=int, default=500, help="calls for portal_per_call")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--cpu", type=int, default=1, help="CPU to pin to (as the client)")
    p.add_argument("--no-pin", action="store_true")
    p.add_argument("--max-seconds", type=float, default=60.0, help="time cap per measurement")
    p.add_argument("--json", type=Path, default=None, help="also write results here")
    p.add_argument("--smoke", action="store_true", help="CI check: a few calls, 1 round, unpinned")
    args = p.parse_args(argv)
    if args.smoke:
        args.calls, args.per_call_calls, args.rounds, args.no_pin = 50, 3, 1, True
    if args.calls < 1 or args.per_call_calls < 1 or args.rounds < 1:
        p.error("--calls, --per-call-calls and --rounds must be >= 1")

    where = pin(None if args.no_pin else args.cpu)
    print(f"bridge overhead, async no-op; python {sys.version.split()[0]}; {where}")
    if not _have_uvloop():
        print("note: uvloop is not installed; portal_uvloop skipped")
    samples: list[Sample] = []
    for _ in range(args.rounds):  # interleaved, so drift hits every method alike
        for method, threads, calls in plan(args.calls, args.per_call_calls):
            samples.append(measure(method, threads, calls, args.max_seconds))
    rows = summarize(samples)
    print_rows(rows)
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        doc = {"where": where, "rows": rows, "samples": [asdict(s) for s in samples]}
        args.json.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
