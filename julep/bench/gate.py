"""Thresholds that turn a run into a pass or a fail, for CI (``--max-p99`` and friends).

Each threshold compares one number of the result with a limit; a run that
breaches any of them exits with 1, and each breach is named with the value
and the limit, as k6 users expect.
"""

from __future__ import annotations

import dataclasses
import typing

from .config import parse_duration
from .progress import format_ms

Document = dict[str, typing.Any]


@dataclasses.dataclass(frozen=True)
class Thresholds:
    """The limits asked for; None: not checked."""

    max_error_rate: float | None = None  # a fraction of the requests, 0..1
    max_p99: float | None = None  # seconds
    min_rps: float | None = None  # requests per second

    def to_dict(self) -> dict[str, float | None]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class Check:
    """One threshold applied to one run."""

    option: str
    value: float | None  # None: nothing to measure it on (no success at all, say)
    limit: float
    passed: bool
    text: str  # "p99 latency 312 ms > --max-p99 250 ms"

    def to_dict(self) -> dict[str, typing.Any]:
        return dataclasses.asdict(self)


def parse_error_rate(text: str) -> float:
    """``0.01`` or ``1%``: a fraction between 0 and 1."""
    try:
        rate = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    except ValueError:
        raise ValueError(
            f"expected a fraction like 0.01 or a percentage like 1%, got {text!r}"
        ) from None
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"an error rate is between 0 and 1 (0% and 100%), got {text!r}")
    return rate


def parse_p99(text: str) -> float:
    """A duration like ``250ms`` or ``1.5s``, in seconds; positive."""
    seconds = parse_duration(text)
    if seconds <= 0:
        raise ValueError(f"a latency limit must be positive, got {text!r}")
    return seconds


def check(thresholds: Thresholds, result: Document) -> list[Check]:
    """Apply every threshold that was set; in a fixed order."""
    checks = []
    counts = result["counts"]
    if thresholds.max_error_rate is not None:
        limit = thresholds.max_error_rate
        rate = counts["errors"] / counts["requests"] if counts["requests"] else 0.0
        passed = rate <= limit
        sign = "<=" if passed else ">"
        checks.append(
            Check(
                "--max-error-rate",
                rate,
                limit,
                passed,
                f"error rate {rate:.2%} ({counts['errors']} of {counts['requests']}) "
                f"{sign} --max-error-rate {limit:.2%}",
            )
        )
    if thresholds.max_p99 is not None:
        limit = thresholds.max_p99
        p99_ms = result["latency_ms"]["p99"]
        if p99_ms is None:
            text = f"p99 latency unknown (no request succeeded) vs --max-p99 {format_ms(limit)} ms"
            checks.append(Check("--max-p99", None, limit, False, text))
        else:
            p99 = p99_ms / 1000.0
            passed = p99 <= limit
            sign = "<=" if passed else ">"
            text = f"p99 latency {format_ms(p99)} ms {sign} --max-p99 {format_ms(limit)} ms"
            checks.append(Check("--max-p99", p99, limit, passed, text))
    if thresholds.min_rps is not None:
        limit = thresholds.min_rps
        # Successes only: a server answering errors fast must not pass a throughput gate.
        elapsed = result["elapsed_s"]
        rps = counts["successes"] / elapsed if elapsed > 0 else 0.0
        passed = rps >= limit
        sign = ">=" if passed else "<"
        text = f"successful requests/s {rps:.1f} {sign} --min-rps {limit:g}"
        checks.append(Check("--min-rps", rps, limit, passed, text))
    return checks


def report(checks: list[Check]) -> str:
    """The thresholds part of the summary: one line each, breaches marked."""
    if not checks:
        return ""
    lines = ["", "", "thresholds"]
    lines += [f"  {'ok    ' if item.passed else 'BREACH'}  {item.text}" for item in checks]
    return "\n".join(lines)
