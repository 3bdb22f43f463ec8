"""The outcome of one sync call, handed from the event-loop thread to its caller.

``concurrent.futures.Future`` does this job with a ``threading.Condition``: a
reentrant lock, a list of waiters and a new lock for every wait, about 330
bytecodes of Python on every call of ``JulepApi`` (set running, set the result,
notify, wait). A sync call needs much less: one outcome, set once, and one
caller waiting for it. Two plain locks do it:

- ``_claim`` is taken by whoever sets the outcome first; later attempts (a call
  ending while ``close()`` fails every caller still waiting) are ignored;
- ``_ready`` is held from the start and released once the outcome is in place,
  so the caller's ``acquire()`` returns exactly then. A lock's acquire is
  interruptible on POSIX: Ctrl+C reaches a caller waiting here, as it does one
  waiting on a Future.
"""

from __future__ import annotations

import _thread
import typing

_T = typing.TypeVar("_T")


class Reply(typing.Generic[_T]):
    """One call's result or exception, set once from any thread, waited for in another."""

    __slots__ = ("_claim", "_error", "_ready", "_value")

    def __init__(self) -> None:
        self._claim = _thread.allocate_lock()
        self._ready = _thread.allocate_lock()
        self._ready.acquire()
        self._error: BaseException | None = None

    def done(self) -> bool:
        """Whether an outcome was set (or is being set, by the thread that claimed it)."""
        return self._claim.locked()

    def set_result(self, value: _T) -> bool:
        """Set the result, unless an outcome was set before; whether it was set."""
        if not self._claim.acquire(False):
            return False
        self._value = value
        self._ready.release()
        return True

    def set_exception(self, error: BaseException) -> bool:
        """Set the exception, unless an outcome was set before; whether it was set."""
        if not self._claim.acquire(False):
            return False
        self._error = error
        self._ready.release()
        return True

    def result(self, timeout: float | None = None) -> _T:
        """Wait for the outcome and return the result or raise the exception.

        ``TimeoutError`` when ``timeout`` seconds pass first. May be called
        again (after an interrupted wait, or a timeout).
        """
        if not self._ready.acquire(True, -1 if timeout is None else timeout):
            raise TimeoutError(f"no reply within {timeout:g} s")
        self._ready.release()  # for a later result() of the same reply
        if self._error is not None:
            raise self._error
        return self._value
