"""Decode cost as responses grow: list_agents and get_history at 1 to 10,000 items.

Four clients side by side in one run, each in a fresh interpreter per round:

  sdk        julep.client.AsyncJulepApi (aiohttp + orjson + cattrs into attrs)
  pydantic2  aiohttp + hand-written pydantic v2 models equivalent to the SDK's
  msgspec    aiohttp + equivalent msgspec Structs
  julep039   julep 0.3.9 (httpx + pydantic.v1) in the virtualenv at
             $JULEP039_PYTHON (skipped, and said so, when unset)
  sdk_base   the SDK from another checkout (--baseline-sdk-root), to measure
             a change before and after in one run (skipped without it)

Every client gets the same canned bodies from the asyncio stub server (the
item count is in the URL). For each size it reports the median client CPU
time of a whole call and of decoding alone, per item, then whether the SDK meets its
goals: per item no slower than pydantic v2 at 1,000 items, and linear:
per-item decode time growing from 1,000 items to the largest size no faster
than pydantic v2's (the growth of every client is printed).

    python benchmarks/decode_scale.py                 # full run, ~3-6 minutes
    python benchmarks/decode_scale.py --smoke         # CI check, a few seconds

See benchmarks/README for how to read the output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _servers

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parent
CHILD = HERE / "_decode_client.py"
CLIENTS = ("sdk", "sdk_base", "pydantic2", "msgspec", "julep039")
OPS = ("list_agents", "get_history")
_PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")


def _csv(choices: tuple[str, ...]) -> Any:
    def parse(text: str) -> list[str]:
        names = [x.strip() for x in text.split(",") if x.strip()]
        unknown = sorted(set(names) - set(choices))
        if not names or unknown:
            raise argparse.ArgumentTypeError(f"choose from {','.join(choices)}; got {text!r}")
        return names

    return parse


def _sizes(text: str) -> list[int]:
    sizes = [int(x) for x in text.split(",") if x.strip()]
    if not sizes or any(n < 1 or n > 100_000 for n in sizes):
        raise argparse.ArgumentTypeError("item counts must be between 1 and 100000")
    return sorted(set(sizes))


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--items", type=_sizes, default=[1, 100, 1000, 10000])
    p.add_argument("--ops", type=_csv(OPS), default=list(OPS))
    p.add_argument("--clients", type=_csv(CLIENTS), default=None, help="default: all that apply")
    p.add_argument("--rounds", type=int, default=3, help="interleaved rounds; median reported")
    p.add_argument("--min-seconds", type=float, default=1.0, help="timed calls per size last this")
    p.add_argument("--min-calls", type=int, default=5)
    p.add_argument("--max-calls", type=int, default=200)
    p.add_argument(
        "--julep039-python",
        default=os.environ.get("JULEP039_PYTHON"),
        help="python of a virtualenv with julep==0.3.9 (default: $JULEP039_PYTHON)",
    )
    p.add_argument("--python", default=sys.executable, help="interpreter for the other clients")
    p.add_argument("--sdk-root", type=Path, default=REPO_ROOT, help="directory containing julep/")
    p.add_argument(
        "--baseline-sdk-root",
        type=Path,
        default=None,
        help="another checkout's root, measured as sdk_base (e.g. from git archive)",
    )
    p.add_argument("--server-cpu", type=int, default=0)
    p.add_argument("--client-cpu", type=int, default=1)
    p.add_argument("--no-pin", action="store_true", help="do not pin server/client to CPUs")
    p.add_argument("--child-timeout", type=float, default=600.0)
    p.add_argument("--json", type=Path, default=HERE / "results" / "decode_scale.json")
    p.add_argument(
        "--smoke",
        action="store_true",
        help="CI check: 1 and 10 items, one call each, 1 round; exit 1 if any run fails",
    )
    args = p.parse_args(argv)
    if args.clients is None:
        args.clients = [c for c in CLIENTS if c != "sdk_base" or args.baseline_sdk_root]
    if args.smoke:
        args.items, args.rounds, args.no_pin = [1, 10], 1, True
        args.min_seconds, args.min_calls, args.max_calls = 0.0, 1, 1
    if args.rounds < 1:
        p.error("--rounds must be >= 1")
    avail = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else set()
    if args.no_pin or not {args.server_cpu, args.client_cpu} <= avail:
        args.server_cpu = args.client_cpu = None
    return args


def child_env(client: str, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env.pop("PYTHONPATH", None)
    if client != "julep039":  # the checkout's julep/ must not shadow 0.3.9
        root = args.baseline_sdk_root if client == "sdk_base" else args.sdk_root
        env["PYTHONPATH"] = str(root)
    return env


def run_child(client: str, op: str, port: int, args: argparse.Namespace) -> dict[str, Any]:
    python = args.julep039_python if client == "julep039" else args.python
    if python is None:
        return {"skip": "set JULEP039_PYTHON (or --julep039-python) to a julep 0.3.9 virtualenv"}
    if client == "sdk_base" and args.baseline_sdk_root is None:
        return {"skip": "no --baseline-sdk-root"}
    cmd = [
        python,
        str(CHILD),
        *("--client", client, "--op", op, "--port", str(port)),
        *("--items", ",".join(map(str, args.items))),
        *("--min-seconds", str(args.min_seconds)),
        *("--min-calls", str(args.min_calls), "--max-calls", str(args.max_calls)),
    ]
    try:
        proc = subprocess.run(
            cmd,
            check=False,
            capture_output=True,
            text=True,
            timeout=args.child_timeout,
            env=child_env(client, args),
            cwd=tempfile.gettempdir(),
            stdin=subprocess.DEVNULL,
            preexec_fn=lambda: _servers.preexec_pin(args.client_cpu, True),
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {args.child_timeout:.0f}s"}
    except OSError as exc:
        return {"error": f"cannot start {python}: {exc}"}
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("{"):
            result: dict[str, Any] = json.loads(line)
            if proc.returncode != 0:
                result.setdefault("error", f"rc={proc.returncode}")
                result["stderr_tail"] = proc.stderr[-1500:]
            return result
    return {"error": f"no JSON result (rc={proc.returncode})", "stderr_tail": proc.stderr[-1500:]}


def _measure(step: tuple[int, str, str], port: int, args: argparse.Namespace) -> dict[str, Any]:
    rnd, op, client = step
    t0 = time.monotonic()
    res = run_child(client, op, port, args)
    res.update(client=client, op=op, round=rnd)
    state = res.get("error") or (res.get("skip") and f"SKIP: {res['skip']}")
    took = f"{time.monotonic() - t0:.1f}s"
    print(f"  round {rnd} {op:<12} {client:<10} {state or took}", flush=True)
    if "error" in res:
        print(res.get("traceback") or res.get("stderr_tail", ""), flush=True)
    return res


def aggregate(runs: list[dict[str, Any]]) -> dict[tuple[str, str, int], dict[str, float]]:
    """Median over rounds of per-item call and decode time (microseconds)."""
    samples: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for run in runs:
        for row in run.get("rows", []):
            samples.setdefault((run["client"], run["op"], row["items"]), []).append(row)
    return {
        key: {
            "call_us": statistics.median(r["call_s"] for r in rows) / key[2] * 1e6,
            "decode_us": statistics.median(r["decode_s"] for r in rows) / key[2] * 1e6,
            "body_bytes": rows[0]["body_bytes"],
        }
        for key, rows in samples.items()
    }


def _cell(cells: dict[tuple[str, str, int], dict[str, float]], key: Any, field: str) -> str:
    value = cells.get(key, {}).get(field)
    return "-" if value is None else f"{value:,.2f}"


def format_op(op: str, cells: dict[tuple[str, str, int], dict[str, float]], args: Any) -> str:
    clients = [c for c in args.clients if any(k[0] == c and k[1] == op for k in cells)]
    head = f"{'items':>7}{'bytes/item':>11}" + "".join(
        f"{c + ' call':>16}{c + ' dec':>15}" for c in clients
    )
    lines = [f"{op}: client CPU microseconds per item (median of rounds)", head, "-" * len(head)]
    for n in args.items:
        size = cells.get(("sdk", op, n), {}).get("body_bytes") or next(
            (v["body_bytes"] for k, v in cells.items() if k[1:] == (op, n)), None
        )
        per = "-" if size is None else f"{size / n:,.0f}"
        row = f"{n:>7}{per:>11}" + "".join(
            f"{_cell(cells, (c, op, n), 'call_us'):>16}{_cell(cells, (c, op, n), 'decode_us'):>15}"
            for c in clients
        )
        lines.append(row)
    return "\n".join(lines)


def ratios(op: str, cells: dict[tuple[str, str, int], dict[str, float]], args: Any) -> list[str]:
    lines = []
    for other in ("sdk_base", "pydantic2", "msgspec", "julep039"):
        for n in args.items:
            sdk, them = cells.get(("sdk", op, n)), cells.get((other, op, n))
            if sdk and them:
                call = sdk["call_us"] / them["call_us"]
                decode = sdk["decode_us"] / them["decode_us"]
                lines.append(
                    f"  sdk / {other:<9} {n:>6} items: call {call:5.2f}x   decode {decode:5.2f}x"
                )
    return lines


def growth(
    cells: dict[tuple[str, str, int], dict[str, float]], client: str, op: str, big: int
) -> float | None:
    """Per-item decode time at ``big`` items over that at 1,000 (1.0 = perfectly linear)."""
    base, far = cells.get((client, op, 1000)), cells.get((client, op, big))
    if not (base and far) or big <= 1000:
        return None
    return far["decode_us"] / base["decode_us"]


def goals(cells: dict[tuple[str, str, int], dict[str, float]], args: Any) -> list[dict[str, Any]]:
    out = []
    big = max(args.items)
    for op in args.ops:
        sdk, pyd = cells.get(("sdk", op, 1000)), cells.get(("pydantic2", op, 1000))
        value = None if not (sdk and pyd) else sdk["call_us"] / pyd["call_us"]
        out.append(_goal(f"{op}: SDK per item <= pydantic v2 at 1,000 items (call)", value, 1.0))
        # Per-item cost rises with size for every library on a small shared
        # machine (caches, GC); linear here means growing no faster than pydantic.
        sdk_growth, pyd_growth = growth(cells, "sdk", op, big), growth(cells, "pydantic2", op, big)
        value = None if sdk_growth is None or pyd_growth is None else sdk_growth / pyd_growth
        out.append(_goal(f"{op}: SDK per-item growth 1,000->{big:,} <= pydantic v2's", value, 1.0))
    return out


def _goal(text: str, value: float | None, limit: float) -> dict[str, Any]:
    status = "n/a" if value is None else ("PASS" if value <= limit else "MISS")
    return {"goal": text, "limit": limit, "ratio": value, "status": status}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    runs: list[dict[str, Any]] = []
    started = dt.datetime.now(dt.timezone.utc).isoformat()
    with tempfile.TemporaryDirectory(prefix="julep-decode-") as tmp:
        port = _servers.free_port()
        server = _servers.start_stub(args.python, Path(tmp), port, args.server_cpu)
        try:
            print(
                f"decode_scale: items {args.items}, {args.rounds} round(s), stub on port {port}, "
                f"{'unpinned' if args.client_cpu is None else f'client on CPU {args.client_cpu}'}",
                flush=True,
            )
            plan = [
                (rnd, op, client)
                for rnd in range(1, args.rounds + 1)
                for op in args.ops
                for client in args.clients
            ]
            runs = [_measure(step, port, args) for step in plan]  # one at a time
        finally:
            server.stop()
    cells = aggregate(runs)
    for op in args.ops:
        print()
        print(format_op(op, cells, args))
        print("\n".join(ratios(op, cells, args)))
        big = max(args.items)
        grown = [(c, growth(cells, c, op, big)) for c in args.clients]
        shown = "   ".join(f"{c} {g:.2f}x" for c, g in grown if g is not None)
        if shown:
            print(f"  per-item decode growth 1,000 -> {big:,} items: {shown}")
    print("\ngoals:")
    results = goals(cells, args)
    for g in results:
        measured = "not measured" if g["ratio"] is None else f"measured {g['ratio']:.2f}x"
        print(f"  {g['status']:<5} {g['goal']:<58} {measured}")
    print(
        "note: client CPU time per item; 'call' is a whole GET through the client (HTTP + decode),"
        " 'dec' decoding alone (bytes in hand). Ratios within one run hold; absolute times drift."
    )
    if args.smoke:
        print("note: smoke run: one call per size; the numbers mean nothing")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    doc = {
        "started": started,
        "args": {k: str(v) for k, v in vars(args).items()},
        "cells": [{"client": k[0], "op": k[1], "items": k[2], **v} for k, v in cells.items()],
        "goals": results,
        "runs": runs,
    }
    args.json.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"wrote {args.json}")
    return 1 if any("error" in r for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
