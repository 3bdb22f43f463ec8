"""Idempotency keys, so a client may retry any request safely.

A non-GET request may carry ``Idempotency-Key``. The first response to a
(key, method, path) is kept for 24 hours and sent again, with
``Idempotent-Replayed: true``, for every repeat; a repeat that arrives while
the first is still running waits for it. Responses of 500 and above (a crash
in a handler) are not kept, so a retry runs again. A streamed chat's final
ChatResponse is kept and replayed as JSON or as a stream, by the repeat's
``Accept``.

At most ``MAX_ENTRIES`` are kept, the oldest forgotten first. Entries live
in memory; with a database file they are also written to it
(without the request waiting for the write) and read back at start, so
retries across a restart are safe too.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import logging
import time

import attrs
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from . import sse
from .db import Database
from .store import idempotency as rows
from .store.idempotency import Key

logger = logging.getLogger("julep.server")
TTL_SECONDS = 24 * 3600
MAX_ENTRIES = 100_000  # a bound on memory under long load runs; the oldest go first
HEADER = "Idempotency-Key"
REPLAYED = {"Idempotent-Replayed": "true"}


@attrs.frozen(kw_only=True)
class Stored:
    status: int
    content_type: str
    body: bytes
    chat_stream: bool = False  # a streamed chat's ChatResponse: may be replayed as a stream
    stored_at: float = attrs.field(factory=time.time)


@attrs.define
class _Slot:
    stored: Stored | None = None


# Where a handler leaves the result to keep when its response has no body to
# keep (a stream). A context variable, not request storage: it needs no
# particular aiohttp version, and set/reset pairs keep requests apart.
_SLOT: contextvars.ContextVar[_Slot | None] = contextvars.ContextVar(
    "julep_idempotent_slot", default=None
)


def keep(stored: Stored) -> None:
    """Record the result that an idempotent repeat of the current request replays."""
    slot = _SLOT.get()
    if slot is not None:
        slot.stored = stored


class IdempotencyStore:
    def __init__(self, db: Database, *, persistent: bool, ttl: float = TTL_SECONDS) -> None:
        self._db = db
        self._persistent = persistent
        self._ttl = ttl
        self._entries: collections.OrderedDict[Key, Stored] = collections.OrderedDict()
        self._writes: set[asyncio.Future[None]] = set()
        self.in_flight: dict[Key, asyncio.Event] = {}

    async def load(self) -> None:
        if not self._persistent:
            return
        for key, status, content_type, body, chat_stream, stored_at in await self._db.run(
            rows.load, time.time() - self._ttl, MAX_ENTRIES
        ):
            self._entries[key] = Stored(
                status=status,
                content_type=content_type,
                body=body,
                chat_stream=chat_stream,
                stored_at=stored_at,
            )

    def get(self, key: Key) -> Stored | None:
        stored = self._entries.get(key)
        if stored is None or stored.stored_at < time.time() - self._ttl:
            return None
        return stored

    def put(self, key: Key, stored: Stored) -> None:
        expired = time.time() - self._ttl
        # Oldest first, so expired entries are all at the front.
        while self._entries and (
            len(self._entries) >= MAX_ENTRIES
            or next(iter(self._entries.values())).stored_at < expired
        ):
            self._entries.popitem(last=False)
        self._entries[key] = stored
        if self._persistent:
            row = (
                key,
                stored.status,
                stored.content_type,
                stored.body,
                stored.chat_stream,
                stored.stored_at,
            )
            write = asyncio.ensure_future(self._db.run(rows.save, row))
            self._writes.add(write)
            write.add_done_callback(self._written)

    def _written(self, write: asyncio.Future[None]) -> None:
        self._writes.discard(write)
        if not write.cancelled() and write.exception() is not None:
            logger.error("could not store an idempotent response", exc_info=write.exception())

    async def aclose(self) -> None:
        """Wait for the writes still on their way to the database."""
        if self._writes:
            await asyncio.gather(*self._writes, return_exceptions=True)


def _capture(slot: _Slot, response: web.StreamResponse) -> Stored | None:
    if slot.stored is not None:
        return slot.stored
    if isinstance(response, web.Response) and response.status < 500:
        body = response.body
        if isinstance(body, (bytes, bytearray)):
            return Stored(
                status=response.status, content_type=response.content_type, body=bytes(body)
            )
    return None


async def _replay(request: web.Request, stored: Stored) -> web.StreamResponse:
    if stored.chat_stream and sse.accepts(request):
        return await sse.replay(request, stored.body, REPLAYED)
    return web.Response(
        status=stored.status,
        body=stored.body,
        headers={"Content-Type": stored.content_type, **REPLAYED},
    )


def idempotency_middleware(store: IdempotencyStore) -> Middleware:
    @web.middleware
    async def idempotency(request: web.Request, handler: Handler) -> web.StreamResponse:
        header = request.headers.get(HEADER)
        if header is None or request.method == "GET":
            return await handler(request)
        key = (header, request.method, request.path)
        while True:
            stored = store.get(key)
            if stored is not None:
                return await _replay(request, stored)
            running = store.in_flight.get(key)
            if running is None:
                break
            # The first request with this key is still running: wait, then replay
            # it (or, if it kept nothing, run this one).
            await running.wait()
        done = store.in_flight[key] = asyncio.Event()
        slot = _Slot()
        token = _SLOT.set(slot)
        try:
            response = await handler(request)
            stored = _capture(slot, response)
            if stored is not None:
                store.put(key, stored)
            return response
        finally:
            _SLOT.reset(token)
            del store.in_flight[key]
            done.set()

    return idempotency
