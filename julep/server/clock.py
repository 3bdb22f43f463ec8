"""Timestamps that never repeat and never go backwards.

History must come back in the order it was written even when two messages are
stored within the same microsecond, so each timestamp is at least one
microsecond after the previous one handed out in this process. The fixed
RFC 3339 form (always microseconds, always ``+00:00``) also sorts correctly
as text, which is how SQLite compares them.
"""

from __future__ import annotations

import datetime as dt
import threading
import time

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class _Clock:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_micros = 0

    def timestamp(self) -> str:
        return self.timestamps(1)[0]

    def advance_past(self, micros: int) -> None:
        with self._lock:
            self._last_micros = max(self._last_micros, micros)

    def timestamps(self, count: int) -> list[str]:
        with self._lock:
            first = max(time.time_ns() // 1000, self._last_micros + 1)
            self._last_micros = first + count - 1
        return [
            (_EPOCH + dt.timedelta(microseconds=micros)).isoformat(timespec="microseconds")
            for micros in range(first, first + count)
        ]


# One clock for the process: servers in the same process share it harmlessly.
_clock = _Clock()


def timestamp() -> str:
    """Now, as RFC 3339 text, strictly later than any earlier call's result."""
    return _clock.timestamp()


def timestamps(count: int) -> list[str]:
    """``count`` consecutive timestamps, each later than the one before (one message each)."""
    return _clock.timestamps(count)


def advance_past(text: str) -> None:
    """Make every later timestamp of this process later than ``text`` (a stored one).

    A database written while the wall clock was ahead (a VM restored from a
    snapshot, a clock stepped back, a file from a machine with a skewed clock)
    would otherwise get rows that sort before its existing ones: a new exchange
    came first in the history, and outside the chat's window of latest messages.
    """
    micros = (parse(text) - _EPOCH) // dt.timedelta(microseconds=1)
    _clock.advance_past(micros)


def parse(text: str) -> dt.datetime:
    """A stored timestamp as an aware datetime."""
    return dt.datetime.fromisoformat(text)
