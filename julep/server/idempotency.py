"""Idempotency keys, so a client may retry any write safely, even across a crash.

A non-GET request may carry ``Idempotency-Key``. The request's fingerprint
(a SHA-256 of its method, path and body) and what each of its database
writes returned are recorded **in the transaction of the write itself**: a
crash keeps the write and its record, or neither. A repeat of the request
with the same key runs the handler again, but each recorded write returns
its recorded result instead of running, so the repeat answers as the first
did (``Idempotent-Replayed: true``) and writes nothing. A streamed chat's
recorded result is its whole ChatResponse, replayed as JSON or as a stream by
the repeat's ``Accept``; the model is not asked again.

Keys are global: the same key with another method, path or body is a 422
naming the key. 422, not 409, because the SDK retries 409, and this request
can never succeed as sent: the caller must pick a new key. A request that
writes nothing (a 422 from validation, a 404) leaves no record, so a
corrected retry with the same key runs. A chat that succeeds is recorded
even when it writes nothing (``record`` and ``remember`` false), so its retry
gets the same answer without the model being asked again. A repeat that
arrives while the first is still running waits for it.

Records expire after ``TTL_SECONDS`` (checked on every lookup and swept every
``SWEEP_SECONDS``); the store keeps at most ``MAX_RECORDS`` records and
``MAX_BYTES`` bytes. Past the byte bound, the answers of the oldest large
records (a keyed chat keeps its whole reply) go first, while their records
stay: a repeat of one is a 422 saying its answer is gone, never a second run.
Whole records go, oldest first, only past the count bound (or if trimming
answers is not enough). Records live only in SQLite
(a file with ``--db``), so replaying a large answer reads it from the
database instead of keeping it in memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import sqlite3
import time
import typing

import attrs
import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from . import offload
from .db import GUARD, Database
from .errors import invalid
from .store import idempotency as records

T = typing.TypeVar("T")

HEADER = "Idempotency-Key"
REPLAYED = {"Idempotent-Replayed": "true"}
TTL_SECONDS = 24 * 3600
SWEEP_SECONDS = 60.0
MAX_RECORDS = 100_000
MAX_BYTES = 64 * 1024 * 1024
MAX_KEY_LENGTH = 255
LARGE_BODY_BYTES = 256 * 1024
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def fingerprint(method: str, path: str, body: bytes) -> bytes:
    digest = hashlib.sha256(f"{method}\n{path}\n".encode())
    digest.update(body)
    return digest.digest()


class IdempotencyStore:
    """The bounds and the sweeper of the records; the counts change on the database thread only."""

    def __init__(
        self,
        db: Database,
        *,
        ttl: float = TTL_SECONDS,
        max_records: int = MAX_RECORDS,
        max_bytes: int = MAX_BYTES,
        sweep_seconds: float = SWEEP_SECONDS,
    ) -> None:
        self.db = db
        self.ttl = ttl
        self.sweep_seconds = sweep_seconds
        self.max_records = max_records
        self.max_bytes = max_bytes
        self.records = 0
        self.bytes = 0
        self.in_flight: dict[str, asyncio.Event] = {}
        self._sweeper: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self.db.run(self._sweep)
        self._sweeper = asyncio.create_task(self._sweep_forever(), name="julep-idempotency-sweep")

    async def aclose(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(self.sweep_seconds)
            await self.db.run(self._sweep)

    def _sweep(self, conn: sqlite3.Connection) -> None:
        records.expire(conn, time.time() - self.ttl)
        self.records, self.bytes = records.totals(conn)

    def save(self, conn: sqlite3.Connection, key: str, record: records.Record) -> None:
        """Store ``record`` in the caller's transaction; the oldest go beyond the bounds."""
        added, grown = records.save(conn, key, record, time.time())
        self.records += added
        self.bytes += grown
        excess_records = self.records - self.max_records
        excess_bytes = self.bytes - self.max_bytes
        if excess_records > 0 or excess_bytes > 0:
            # Counted from what was dropped: a count(*) of the whole table here made
            # every keyed write at the bound ~20 times slower (a scan of 100,000 rows).
            dropped, dropped_bytes = records.drop_oldest(conn, excess_records, excess_bytes)
            self.records -= dropped
            self.bytes -= dropped_bytes


@attrs.define(eq=False)
class Claim:
    """One keyed request: finds its record at its first transaction, then records or replays."""

    store: IdempotencyStore
    key: str
    fingerprint: bytes
    owner: asyncio.Task[typing.Any] | None
    replayed: bool = False
    _checked: bool = False
    _calls: int = 0
    _results: dict[str, typing.Any] = attrs.field(factory=dict)

    def run(self, conn: sqlite3.Connection, call: typing.Callable[[], T]) -> T:
        index = str(self._calls)
        self._calls += 1
        if not self._checked:
            self._checked = True
            self._look_up(conn)
        if self.replayed:
            if index in self._results:
                return typing.cast(T, _as_result(self._results[index]))
            return call()  # a read: run it again
        changes = conn.total_changes
        result = call()
        if conn.total_changes != changes or getattr(
            getattr(call, "func", call), KEEP_RESULT, False
        ):
            self._results[index] = result
            record = records.Record(self.fingerprint, orjson.dumps(self._results))
            self.store.save(conn, self.key, record)
        return result

    def _look_up(self, conn: sqlite3.Connection) -> None:
        found = records.find(conn, self.key, time.time() - self.store.ttl)
        if found is None:
            return
        if found.fingerprint != self.fingerprint:
            raise invalid(
                f"{HEADER} {self.key!r} was already used for a different request"
                " (another method, path or body); send a new key for a new request"
            )
        if found.results == records.DROPPED:
            raise invalid(
                f"{HEADER} {self.key!r} was already used for this request, which ran; its"
                f" answer is no longer kept (the server keeps at most {self.store.max_bytes}"
                " bytes of answers, dropping the oldest), so it cannot be replayed, and"
                " running it again would repeat its writes. Read the result (a chat's is in"
                " the session's history), or send a new key to run the request again"
            )
        self.replayed = True
        self._results = orjson.loads(found.results)

    def earlier_result(self) -> typing.Any:
        """The result of the last write the first run of this request recorded, if replaying."""
        if not self.replayed or not self._results:
            return None
        return _as_result(self._results[max(self._results, key=int)])


def _as_result(value: typing.Any) -> typing.Any:
    # Writes return strings or tuples of them; JSON gives the tuples back as lists.
    return tuple(value) if isinstance(value, list) else value


KEEP_RESULT = "_julep_keep_result"
F = typing.TypeVar("F", bound=typing.Callable[..., typing.Any])


def keeps_result(fn: F) -> F:
    """Mark a database function whose result a keyed request records although it writes
    nothing: a chat that records nothing still has an answer that a retry must get back
    without asking the model again."""
    setattr(fn, KEEP_RESULT, True)
    return fn


def _own_claim() -> Claim | None:
    """The running request's claim on its ``Idempotency-Key``, if it has one."""
    claim = GUARD.get()
    return claim if isinstance(claim, Claim) and claim.owner is asyncio.current_task() else None


def keyed() -> bool:
    """Whether the running request carries an ``Idempotency-Key``."""
    return _own_claim() is not None


def _nothing(_: sqlite3.Connection) -> None:
    return None


async def replayed_result(db: Database) -> typing.Any:
    """For a repeat of a keyed request: what its first run's last write returned; else None.

    A handler that must not redo work outside the database (ask the model
    again) calls this first.
    """
    claim = _own_claim()
    if claim is None:
        return None
    await db.run(_nothing)  # the first transaction looks the key up
    return claim.earlier_result()


def _key_of(request: web.Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None or request.method in _SAFE_METHODS:
        return None
    if not key or len(key) > MAX_KEY_LENGTH:
        raise invalid(f"{HEADER}: must be 1 to {MAX_KEY_LENGTH} characters long")
    try:
        key.encode()
    except UnicodeEncodeError:  # bytes that are not UTF-8 arrive as surrogate escapes
        raise invalid(f"{HEADER}: must be UTF-8 text") from None
    return key


def idempotency_middleware(store: IdempotencyStore) -> Middleware:
    @web.middleware
    async def idempotency(request: web.Request, handler: Handler) -> web.StreamResponse:
        key = _key_of(request)
        if key is None:
            return await handler(request)
        body = await request.read()
        # hashlib lets go of the interpreter while hashing, so a large body
        # hashes on a thread while the loop serves others.
        digest = await offload.run(
            len(body) > LARGE_BODY_BYTES, fingerprint, request.method, request.path, body
        )
        claim = Claim(store, key, digest, asyncio.current_task())
        # A repeat that arrives while the first run is going waits for its end.
        while (running := store.in_flight.get(key)) is not None:
            await running.wait()
        done = store.in_flight[key] = asyncio.Event()
        token = GUARD.set(claim)
        try:
            response = await handler(request)
        finally:
            GUARD.reset(token)
            del store.in_flight[key]
            done.set()
        if claim.replayed and not response.prepared:
            response.headers.update(REPLAYED)
        return response

    return idempotency
