"""The background queue that forms memories a short while after each chat.

Jobs wait ``delay`` seconds (so a client can see them ``pending``), then every
job that is due runs in one database call: under load, many chats share one
transaction. Stopping the queue runs what is still waiting, so no memory is
lost at shutdown.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging

from .db import Database
from .store import memories

logger = logging.getLogger("julep.server")
DELAY_SECONDS = 0.2


class MemoryJobs:
    def __init__(self, db: Database, *, delay: float = DELAY_SECONDS) -> None:
        self._db = db
        self._delay = delay
        self._queue: collections.deque[tuple[float, memories.MemoryJob]] = collections.deque()
        self._wakeup = asyncio.Event()
        self._closing = False
        self._worker: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._worker = asyncio.create_task(self._work(), name="julep-server-memory-jobs")

    def submit(self, job: memories.MemoryJob) -> None:
        """Queue a job; it runs ``delay`` seconds from now."""
        if not self._queue:
            # Otherwise the worker is already waiting for an earlier job.
            self._wakeup.set()
        self._queue.append((asyncio.get_running_loop().time() + self._delay, job))

    async def _work(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            now = loop.time()
            if self._queue and (self._closing or self._queue[0][0] <= now):
                batch = []
                # Every job has the same delay, so the queue is in order of due time.
                while self._queue and (self._closing or self._queue[0][0] <= now):
                    batch.append(self._queue.popleft()[1])
                await self._run(batch)
                continue
            if self._closing:
                return
            self._wakeup.clear()
            timeout = self._queue[0][0] - now if self._queue else None
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout)

    async def _run(self, batch: list[memories.MemoryJob]) -> None:
        try:
            await self._db.run(memories.form, batch)
        except Exception:
            # The jobs stay pending rather than the queue dying for every later chat.
            logger.exception("forming memories failed for %d jobs", len(batch))

    async def aclose(self) -> None:
        """Run every queued job now, then stop."""
        self._closing = True
        self._wakeup.set()
        if self._worker is not None:
            await self._worker
            self._worker = None
