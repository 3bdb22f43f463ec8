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
from .stats import LATE_SECONDS, RunStats

PERCENTILES = (50.0, 90.0, 99.0, 99.9)
# Open loop: below this share of the target rate, the run is said to have missed it.
MISSED_RATE_SHARE = 0.95
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
    """One entry per second of the run, by when requests ended; quiet seconds included.

    ``duration_s`` is how much of that second the run lasted: below 1 for the
    last one when the run ended mid-second (its counts cover only that part).
    """
    seconds = set(stats.second_latency) | set(stats.second_errors)
    timeline = []
    for second in range(max(seconds) + 1 if seconds else 0):
        latency = stats.second_latency.get(second, Histogram())
        errors = stats.second_errors.get(second, 0)
        timeline.append(
            {
                "second": second,
                "duration_s": round(min(1.0, max(stats.elapsed - second, 0.0)), 3),
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
        "open_loop": _open_loop(config, total),
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
                "dropped": part.dropped,
                "elapsed_s": part.elapsed,
            }
            for index, part in enumerate(parts)
        ],
    }


def _open_loop(config: BenchConfig, total: RunStats) -> dict[str, typing.Any] | None:
    """How well the schedule was kept: the achieved rate against the target, late and dropped.

    The achieved rate is the requests sent over the schedule's length, or over
    the time the last one left when that was later.
    """
    if config.rate is None:
        return None
    scheduled = (config.arrivals or 0) / config.rate
    if total.interrupted:
        # Ctrl+C: the schedule's part that was due before the stop, not all of it
        # (a run that kept its rate said it achieved a fraction of it, and warned).
        scheduled = min(scheduled, total.elapsed)
    span = max(scheduled, total.last_sent)
    achieved = total.sent / span if span > 0 else 0.0
    return {
        "target_rps": config.rate,
        "achieved_rps": achieved,
        "scheduled": config.arrivals,
        "sent": total.sent,
        "late": total.late,
        "late_after_ms": LATE_SECONDS * 1000.0,
        "dropped": total.dropped,
        "missed": achieved < MISSED_RATE_SHARE * config.rate or total.dropped > 0,
    }


def rate_warning(result: Document) -> str | None:
    """A warning when an open-loop run did not keep to its target rate."""
    loop = result["open_loop"]
    if loop is None or not loop["missed"]:
        return None
    return (
        f"the target rate was missed: {loop['achieved_rps']:.1f}/s achieved of "
        f"{loop['target_rps']:g}/s, {loop['dropped']} dropped, {loop['late']} late; "
        "replies too slow for --concurrency slots (raise it) or a client too busy to keep "
        "the schedule (add --processes)"
    )


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
    ]
    loop = result["open_loop"]
    if loop is not None:
        lines += [
            f"rate          {loop['achieved_rps']:.1f}/s achieved of {loop['target_rps']:g}/s "
            f"target ({loop['sent']} of {loop['scheduled']} sent)",
            f"              {loop['late']} late (> {loop['late_after_ms']:g} ms behind schedule), "
            f"{loop['dropped']} dropped (never sent: every slot busy, or past the deadline)",
        ]
    lines += [
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
