"""Timestamps that never repeat and never go backwards.

History must come back in the order it was written even when two messages are
stored within the same microsecond, so each timestamp is at least one
microsecond after the previous one handed out by the same clock. Each
database has a clock of its own (``db.Database.clock``), current in its
transactions: a file whose timestamps are ahead of the wall clock moves its
own server's clock only (one clock for the process took every later server
there, in-memory ones included). The fixed RFC 3339 form (always
microseconds, always ``+00:00``) also sorts correctly as text, which is how
SQLite compares them.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import threading
import time
import typing

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


class Clock:
    """Timestamps for one database: each later than the last, and than what it holds."""

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

    def advance_past_stored(self, text: str) -> None:
        """Make every later timestamp of this clock later than ``text`` (a stored one).

        A database written while the wall clock was ahead (a VM restored from a
        snapshot, a clock stepped back, a file from a machine with a skewed clock)
        would otherwise get rows that sort before its existing ones: a new exchange
        came first in the history, and outside the chat's window of latest messages.
        """
        self.advance_past((parse(text) - _EPOCH) // dt.timedelta(microseconds=1))


# For timestamps made outside any database's transaction (a reply that is not stored).
_PROCESS_CLOCK = Clock()
_CURRENT: contextvars.ContextVar[Clock | None] = contextvars.ContextVar(
    "julep_server_clock", default=None
)


@contextlib.contextmanager
def using(clock: Clock) -> typing.Iterator[None]:
    """Make ``clock`` the one ``timestamp()`` reads, for a database's transaction."""
    token = _CURRENT.set(clock)
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current() -> Clock:
    """The clock of the database whose transaction this is (else the process's)."""
    return _CURRENT.get() or _PROCESS_CLOCK


def timestamp() -> str:
    """Now, as RFC 3339 text, strictly later than the current clock's earlier results."""
    return current().timestamp()


def timestamps(count: int) -> list[str]:
    """``count`` consecutive timestamps, each later than the one before (one message each)."""
    return current().timestamps(count)


def parse(text: str) -> dt.datetime:
    """A stored timestamp as an aware datetime."""
    return dt.datetime.fromisoformat(text)
