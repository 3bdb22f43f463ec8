"""The live progress line, on stderr so that stdout keeps only the summary."""

from __future__ import annotations

import typing

from .stats import Progress


def format_ms(seconds: float) -> str:
    """Milliseconds with about three significant digits."""
    ms = seconds * 1000.0
    if ms < 10:
        return f"{ms:.2f}"
    if ms < 100:
        return f"{ms:.1f}"
    return f"{ms:.0f}"


class ProgressLine:
    """One line per update: rewritten in place on a terminal, appended otherwise (logs, CI)."""

    def __init__(self, stream: typing.TextIO) -> None:
        self._stream = stream
        self._rewrite = stream.isatty()
        self._width = 0
        self._elapsed = 0.0
        self._requests = 0

    def update(self, elapsed: float, progress: Progress) -> None:
        # The rate over the last interval: what the load does now, not on average.
        interval = elapsed - self._elapsed
        rate = (progress.requests - self._requests) / interval if interval > 0 else 0.0
        self._elapsed, self._requests = elapsed, progress.requests
        line = (
            f"{elapsed:6.1f}s  {progress.requests:>8} requests  {rate:>8.1f}/s  "
            f"{progress.errors} errors  p50 {format_ms(progress.latency.percentile(50))} ms  "
            f"p99 {format_ms(progress.latency.percentile(99))} ms"
        )
        if self._rewrite:
            # Padding wipes what a longer previous line left behind.
            self._stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        else:
            self._stream.write(line + "\n")
        self._stream.flush()

    def close(self) -> None:
        """End the rewritten line, so that what follows starts on a line of its own."""
        if self._rewrite and self._width:
            self._stream.write("\n")
            self._stream.flush()
            self._width = 0
