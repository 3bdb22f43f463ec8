"""Behaviour when the process runs out of file descriptors: one log line a second.

When ``accept()`` fails for want of descriptors, asyncio (up to 3.11 at least)
logs the error with a traceback once per slot of the listen backlog on every
wake-up, and schedules as many retries, whose re-registration fails again
(``Exception in callback ..._start_serving``): a flood of hundreds of
thousands of tracebacks in seconds. This filter lets one such record through
per second and counts the others into it; the CLI also raises the soft
descriptor limit to the hard one, so the flood starts later if at all.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time

_ACCEPT_FAILED = "socket.accept() out of system resource"
_RETRY_FAILED = "_start_serving"  # in "Exception in callback BaseSelectorEventLoop._start_serving"
INTERVAL_SECONDS = 1.0


class AcceptErrorFilter(logging.Filter):
    def __init__(self, interval: float = INTERVAL_SECONDS) -> None:
        super().__init__()
        self._interval = interval
        self._lock = threading.Lock()
        self._next = 0.0
        self._suppressed = 0

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if not message.startswith(_ACCEPT_FAILED) and _RETRY_FAILED not in message:
            return True
        now = time.monotonic()
        with self._lock:
            if now < self._next:
                self._suppressed += 1
                return False
            self._next = now + self._interval
            suppressed, self._suppressed = self._suppressed, 0
        if suppressed:
            record.msg = f"{record.msg} ({suppressed} more like it in the last second not logged)"
        return True


@functools.cache
def limit_accept_error_logs() -> None:
    """Install the filter on the ``asyncio`` logger, once per process."""
    logging.getLogger("asyncio").addFilter(AcceptErrorFilter())


def raise_descriptor_limit() -> None:
    """Raise this process's soft limit on open files to its hard limit (where there is one)."""
    try:
        import resource  # noqa: PLC0415 (POSIX only)
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
