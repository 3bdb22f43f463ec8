"""Attempt deadlines for every request in flight on one event loop, on one timer.

aiohttp's own per-request limit (``ClientTimeout(total=...)``) schedules a timer
for each request and enters a timer context around every read; on this SDK's
chat path that was about 33,000 CPU instructions of the ~590,000 a request
costs, and at high concurrency each timer also pays Python-level comparisons in
the loop's timer heap. Here a request records its deadline in a dict, and one
timer, set for the soonest deadline, cancels the tasks whose deadline passed.

The cancellation is the same one aiohttp's (and ``asyncio.timeout``'s) timer
makes: ``task.cancel()`` at the await the request is waiting on. ``claim()``
then tells the request's ``except CancelledError`` whether the cancel was
ours, and takes it back on Python 3.11+ (``uncancel``), so an enclosing
``asyncio.timeout``, TaskGroup or anyio cancel scope sees nothing; a cancel
from anyone else in the same moment still goes through as a cancel.
"""

from __future__ import annotations

import asyncio
import math
import sys
import typing

Task = asyncio.Task[typing.Any]

# How early a deadline can seem to have passed on a loop's clock. asyncio's clock
# is time.monotonic() and a timer runs up to the loop's _clock_resolution early;
# uvloop's time() counts whole milliseconds (truncated) and its timers are set in
# milliseconds, so a deadline taken from it can pass up to ~1.5 ms before its
# seconds have. A loop that does not say is taken to be as coarse as uvloop.
_COARSE_CLOCK = 0.002

# task.cancelling() and task.uncancel() arrived in Python 3.11. Before that a
# cancel cannot be told apart from ours in the same instant (aiohttp's timer has
# the same limit there): an expired deadline wins.
if sys.version_info >= (3, 11):

    def _cancels(task: Task) -> int:
        return task.cancelling()

    def _take_back(task: Task, cancels_before: int) -> bool:
        return task.uncancel() <= cancels_before

else:

    def _cancels(task: Task) -> int:
        return 0

    def _take_back(task: Task, cancels_before: int) -> bool:
        return True


class Deadlines:
    """The deadlines of the requests in flight on ``loop``, kept by one timer."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        # Added to every deadline: a limit may end a little late, never early.
        self._slack: float = getattr(loop, "_clock_resolution", _COARSE_CLOCK)
        # Each task in flight: its deadline (loop time) and its cancel count then.
        self._due: dict[Task, tuple[float, int]] = {}
        self._expired: set[Task] = set()
        self._timer: asyncio.TimerHandle | None = None
        self._wake_at = math.inf

    def arm(self, seconds: float) -> Task | None:
        """Give the current task ``seconds`` from now; None outside a task.

        Every ``arm`` that returns a task must be followed by ``disarm`` of it.
        """
        task = asyncio.current_task(self._loop)
        if task is None:
            return None
        deadline = self._loop.time() + seconds + self._slack
        self._due[task] = (deadline, _cancels(task))
        if deadline < self._wake_at:
            self._set_timer(deadline)
        return task

    def disarm(self, task: Task) -> None:
        """The task's request is over, by any way; its deadline no longer applies."""
        _, cancels_before = self._due.pop(task)
        if self._expired and task in self._expired:
            # Cancelled by its deadline, and the CancelledError never reached
            # claim() (something on the way swallowed or replaced it): take the
            # cancel back all the same, so the task's count is as it was.
            self._expired.discard(task)
            _take_back(task, cancels_before)

    def claim(self, task: Task) -> bool:
        """Whether the CancelledError in ``task`` is its deadline passing.

        If so, the cancel is taken back: the caller raises a timeout instead.
        """
        if task not in self._expired:
            return False
        self._expired.discard(task)
        return _take_back(task, self._due[task][1])

    def _set_timer(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = self._loop.call_at(when, self._wake)
        self._wake_at = when

    def _wake(self) -> None:
        # The loop runs a timer up to its clock resolution early: everything due
        # by the time this timer was set for counts as due now.
        now = max(self._loop.time(), self._wake_at)
        self._timer, self._wake_at = None, math.inf
        soonest = math.inf
        for task, (deadline, _) in self._due.items():
            if deadline <= now:
                if task not in self._expired:
                    self._expired.add(task)
                    task.cancel()
            elif deadline < soonest:
                soonest = deadline
        if soonest < math.inf:
            self._set_timer(soonest)
