"""The result of a run: one JSON-ready document, and the summary printed from it."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import typing

from .._version import __version__
from .config import BenchConfig
from .histogram import Histogram
from .progress import format_ms
from .stats import RunStats

PERCENTILES = (50.0, 90.0, 99.0, 99.9)
TIMELINE_PERCENTILES = (("p50", 50.0), ("p90", 90.0), ("p99", 99.0), ("max", 100.0))
Document = dict[str, typing.Any]


def _label(percent: float) -> str:
    return f"p{percent:g}"


def _ms(seconds: float) -> float:
    # Microseconds are the histogram's resolution: more digits would be noise.
    return round(seconds * 1000.0, 3)


def _latency_ms(histogram: Histogram) -> dict[str, float | None]:
    """Min, percentiles, max and mean in ms; all None when nothing succeeded."""
    values = {
        "min": histogram.percentile(0.0),
        **{_label(percent): histogram.percentile(percent) for percent in PERCENTILES},
        "max": histogram.percentile(100.0),
        "mean": histogram.mean,
    }
    return {name: _ms(value) if histogram.total else None for name, value in values.items()}


def _timeline(stats: RunStats) -> list[dict[str, typing.Any]]:
    """One entry per second of the run, by when requests ended; quiet seconds included."""
    seconds = set(stats.second_latency) | set(stats.second_errors)
    timeline = []
    for second in range(max(seconds) + 1 if seconds else 0):
        latency = stats.second_latency.get(second, Histogram())
        errors = stats.second_errors.get(second, 0)
        timeline.append(
            {
                "second": second,
                "requests": latency.total + errors,
                "successes": latency.total,
                "errors": errors,
                **{
                    f"{name}_ms": _ms(latency.percentile(percent)) if latency.total else None
                    for name, percent in TIMELINE_PERCENTILES
                },
            }
        )
    return timeline


def document(
    config: BenchConfig,
    base_url: str,
    started_at: dt.datetime,
    total: RunStats,
    parts: list[RunStats],
) -> Document:
    """Everything a run measured (the ``--json`` file): config, counts, percentiles,
    errors, histogram buckets, a per-second timeline and each process's counts."""
    return {
        "tool": "julep bench",
        "julep_version": __version__,
        "started_at": started_at.isoformat(timespec="seconds"),
        "target": {"base_url": base_url, "embedded_server": config.base_url is None},
        "config": config.to_dict(),
        "interrupted": total.interrupted,
        "elapsed_s": total.elapsed,
        "counts": {
            "requests": total.requests,
            "successes": total.successes,
            "errors": total.failures,
        },
        "throughput_rps": total.requests / total.elapsed if total.elapsed > 0 else 0.0,
        "latency_ms": _latency_ms(total.latency),
        "ttft_ms": _latency_ms(total.ttft) if config.stream else None,
        "errors": {
            key: {"count": count, "sample": total.error_samples[key]}
            for key, count in total.errors.most_common()
        },
        "histograms": {
            "latency": total.latency.to_dict(),
            "ttft": total.ttft.to_dict() if config.stream else None,
        },
        "timeline": _timeline(total),
        "processes": [
            {
                "index": index,
                "requests": part.requests,
                "successes": part.successes,
                "errors": part.failures,
                "elapsed_s": part.elapsed,
            }
            for index, part in enumerate(parts)
        ],
    }


def write_json(path: pathlib.Path, result: Document) -> None:
    """Write the result document as indented JSON."""
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def _describe_load(config: dict[str, typing.Any]) -> str:
    if config["rate"] is None:
        loop = f"closed loop, {config['concurrency']} workers"
    else:
        loop = f"open loop at {config['rate']:g}/s, at most {config['concurrency']} in flight"
    bound = (
        f"{config['requests']} requests"
        if config["requests"] is not None
        else f"{config['duration']:g} s"
    )
    processes = config["processes"]
    flags = ", ".join(
        f"{name} {'on' if config[name] else 'off'}" for name in ("record", "remember")
    )
    kind = "streamed chat" if config["stream"] else "chat"
    return f"{loop}, {bound}, {processes} process{'es' if processes > 1 else ''}; {kind} ({flags})"


def _row(name: str, values: dict[str, float | None]) -> str:
    cells = ("-" if value is None else format_ms(value / 1000.0) for value in values.values())
    return f"{name:<14}" + "".join(f"{cell:>9}" for cell in cells)


def summary(result: Document) -> str:
    """The end-of-run report, as printed."""
    target = result["target"]
    where = " (embedded server, own process)" if target["embedded_server"] else ""
    counts = result["counts"]
    lines = [
        f"julep bench   {target['base_url']}{where}",
        f"load          {_describe_load(result['config'])}",
    ]
    if result["interrupted"]:
        lines.append("INTERRUPTED   partial results; requests still in flight are not counted")
    lines += [
        f"ran           {result['elapsed_s']:.2f} s",
        f"requests      {counts['requests']}  "
        f"({counts['successes']} ok, {counts['errors']} errors)",
        f"throughput    {result['throughput_rps']:.1f} requests/s",
        "",
        f"{'(ms)':<14}" + "".join(f"{name:>9}" for name in result["latency_ms"]),
        _row("latency", result["latency_ms"]),
    ]
    if result["ttft_ms"] is not None:
        lines.append(_row("first token", result["ttft_ms"]))
    if result["errors"]:
        lines += ["", "errors"]
        lines += [
            f"{error['count']:>8}  {key}: {error['sample']}"
            for key, error in result["errors"].items()
        ]
    return "\n".join(lines)
