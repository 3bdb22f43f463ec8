"""The progress line: rewritten in place on a terminal, one line per update otherwise."""

from __future__ import annotations

import io

import pytest

from julep.bench.config import parse_duration
from julep.bench.histogram import Histogram
from julep.bench.progress import ProgressLine, format_ms
from julep.bench.stats import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def progress(requests: int, errors: int = 0) -> Progress:
    latency = Histogram()
    for _ in range(requests - errors):
        latency.record(0.012)
    return Progress(requests, errors, latency)


def test_on_a_terminal_the_line_is_rewritten_then_ended() -> None:
    stream = Terminal()
    line = ProgressLine(stream)
    line.update(1.0, progress(100, errors=2))
    line.update(2.0, progress(150))
    line.close()
    text = stream.getvalue()
    assert text.count("\r") == 2
    assert text.endswith("\n")
    assert text.count("\n") == 1
    assert "50.0/s" in text  # the rate of the last interval, not the average
    assert "2 errors" in text
    assert "p50 12.0 ms" in text


def test_elsewhere_each_update_is_a_line_of_its_own() -> None:
    stream = io.StringIO()
    line = ProgressLine(stream)
    line.update(1.0, progress(10))
    line.update(2.0, progress(30))
    line.close()
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert "\r" not in stream.getvalue()
    assert "20.0/s" in lines[1]


def test_milliseconds_keep_about_three_digits() -> None:
    assert [format_ms(s) for s in (0.0012345, 0.012345, 0.12345, 1.2345)] == [
        "1.23",
        "12.3",
        "123",
        "1234",
    ]


@pytest.mark.parametrize(
    ("text", "seconds"), [("30s", 30.0), ("500ms", 0.5), ("2m", 120.0), ("1.5", 1.5)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "-1s", "10h", "soon"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)
