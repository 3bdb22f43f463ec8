"""The ``--plot`` PNG: latency and throughput over time, and the latency distribution.

matplotlib is an optional extra (``pip install -e '.[plot]'`` from a checkout), imported only here.
"""

from __future__ import annotations

import importlib
import math
import pathlib
import typing

from .errors import BenchError
from .histogram import Histogram
from .report import Document

# The distribution is drawn against "nines": 1 is p90, 2 is p99, 3 is p99.9,
# equally spaced, so the tail, where the trouble is, gets most of the width.
_NINES = [step / 20 for step in range(81)]
_TICKS = {0.0: "0%", math.log10(2): "50%", 1.0: "90%", 2.0: "99%", 3.0: "99.9%", 4.0: "99.99%"}
_LINES = ("p50", "p90", "p99", "max")


def _pyplot() -> typing.Any:
    """matplotlib's pyplot on the file-only Agg backend, or a BenchError saying how to install it.

    Typed as Any: matplotlib is optional and may be absent when type-checking.
    """
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        raise BenchError(
            "--plot needs matplotlib, which is not installed; "
            "from a checkout of julep: pip install -e '.[plot]'"
        ) from None
    matplotlib.use("Agg")  # no display needed; must precede the pyplot import
    return importlib.import_module("matplotlib.pyplot")


def require_matplotlib() -> None:
    """Fail now, before the load runs, if the plot could not be drawn at the end."""
    _pyplot()


def _latency_over_time(axes: typing.Any, timeline: list[dict[str, typing.Any]]) -> None:
    seconds = [entry["second"] for entry in timeline]
    for name in _LINES:
        # A second without successes has None, which leaves a gap in the line.
        axes.plot(seconds, [entry[f"{name}_ms"] for entry in timeline], label=name, marker=".")
    axes.set(
        title="Latency over time (by the second in which requests ended)",
        xlabel="seconds since start",
        ylabel="latency (ms)",
    )
    axes.set_ylim(bottom=0)
    axes.locator_params(axis="x", integer=True)
    axes.legend(loc="best")
    axes.grid(alpha=0.3)


def _requests_over_time(axes: typing.Any, timeline: list[dict[str, typing.Any]]) -> None:
    """Requests ended in each second; a last second the run only partly lasted is hatched,
    so its short bar does not read as a collapse, and the tallest bar stays in the axes."""
    seconds = [entry["second"] for entry in timeline]
    successes = [entry["successes"] for entry in timeline]
    errors = [entry["errors"] for entry in timeline]
    partial = [entry.get("duration_s", 1.0) < 1.0 for entry in timeline]
    faded = [0.35 if cut else 1.0 for cut in partial]
    ok_bars = axes.bar(seconds, successes, label="ok", color="tab:green")
    error_bars = axes.bar(seconds, errors, bottom=successes, label="errors", color="tab:red")
    for bars in (ok_bars, error_bars):
        for bar, alpha, cut in zip(bars, faded, partial, strict=True):
            bar.set_alpha(alpha)
            if cut:
                bar.set_hatch("//")
    tallest = max((ok + bad for ok, bad in zip(successes, errors, strict=True)), default=0)
    # Headroom above the tallest bar for the legend and the partial-second note.
    axes.set_ylim(0, max(tallest, 1) * 1.25)
    for entry, cut in zip(timeline, partial, strict=True):
        if cut:
            axes.annotate(
                f"partial: {entry['duration_s']:g} s",
                (entry["second"], entry["successes"] + entry["errors"]),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize="small",
            )
    axes.set(title="Requests ended per second", xlabel="seconds since start", ylabel="requests")
    axes.locator_params(axis="x", integer=True)
    axes.legend(loc="upper left", ncols=2)
    axes.grid(alpha=0.3)


def _distribution(axes: typing.Any, latency: Histogram, ttft: Histogram) -> None:
    # Only as many nines as the data has: 100 requests say nothing of p99.9.
    shown = max(1, math.ceil(math.log10(max(latency.total, 1))))
    nines = [value for value in _NINES if value <= shown]
    curves = [("latency", latency)] + ([("first token", ttft)] if ttft.total else [])
    for label, histogram in curves:
        values = [histogram.percentile(100.0 * (1 - 10**-value)) * 1000.0 for value in nines]
        axes.plot(nines, values, label=label)
    ticks = [tick for tick in _TICKS if tick <= shown]
    axes.set_xticks(ticks, [_TICKS[tick] for tick in ticks])
    axes.set(
        title="Latency distribution (percentile spectrum)",
        xlabel="percentile",
        ylabel="latency (ms)",
    )
    axes.set_ylim(bottom=0)
    axes.legend(loc="best")
    axes.grid(alpha=0.3)


def _title(result: Document) -> str:
    config, counts = result["config"], result["counts"]
    load = f"concurrency {config['concurrency']}"
    if config["rate"] is not None:
        load += f", rate {config['rate']:g}/s"
    return (
        f"julep bench: {result['target']['base_url']}  |  {counts['requests']} requests "
        f"({counts['errors']} errors), {result['throughput_rps']:.0f}/s  |  {load}"
    )


def write_plot(path: pathlib.Path, result: Document, latency: Histogram, ttft: Histogram) -> None:
    """Draw the run into a PNG at ``path``."""
    plt = _pyplot()
    figure, (over_time, requests, spread) = plt.subplots(3, 1, figsize=(10, 11))
    try:
        _latency_over_time(over_time, result["timeline"])
        _requests_over_time(requests, result["timeline"])
        _distribution(spread, latency, ttft)
        figure.suptitle(_title(result))
        figure.tight_layout()
        figure.savefig(path, dpi=100)
    finally:
        plt.close(figure)
