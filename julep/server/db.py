"""One SQLite connection, owned by one worker thread.

Every request does its database work as one call on that thread, inside one
transaction: SQLite serialises writers anyway, a single owner needs no locks,
and the event loop never blocks on the database. A file database runs in WAL
mode so a crash loses nothing that was committed.

One server serves a database file at a time: it holds a lock (on a file next
to the database) while it runs, and a second server on the same file refuses
to start. Two would each keep their own idempotency claims and read-merge-write
PATCHes across each other: one Idempotency-Key created two rows, concurrent
metadata merges lost keys, and a starting server marked the other's pending
memory jobs aborted. The operating system lets go of the lock when the process
ends, ``kill -9`` included, so a restart is never refused.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import contextvars
import functools
import os
import sqlite3
import typing
import weakref

from .. import _bigjson
from . import clock
from .store.schema import COUNTABLE, DDL

T = typing.TypeVar("T")
P = typing.ParamSpec("P")

LOCK_SUFFIX = "-server.lock"


class DatabaseInUse(sqlite3.OperationalError):
    """Another server is serving this database file, or could through a hard link."""


class Guard(typing.Protocol):
    """Something that wraps the transactions of one request (its idempotency record).

    ``owner`` is the task of that request: work it spawned (memory jobs) runs
    in other tasks and is not wrapped.
    """

    owner: asyncio.Task[typing.Any] | None

    def run(self, conn: sqlite3.Connection, call: typing.Callable[[], T]) -> T:
        """Run ``call`` inside the open transaction of ``conn``, adding to it as needed."""
        ...


GUARD: contextvars.ContextVar[Guard | None] = contextvars.ContextVar(
    "julep_server_guard", default=None
)


def _json_equal(a: object, b: object) -> bool:
    """Equality of JSON values: ``true`` is not ``1`` (Python's ``True == 1`` is)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(_json_equal, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[key], b[key]) for key in a)
    return a == b


def _metadata_matches(metadata: str, wanted: str) -> bool:
    # The metadata filter: every key of ``wanted`` equals the stored value.
    stored = _bigjson.loads(metadata)
    return all(
        key in stored and _json_equal(stored[key], value)
        for key, value in _bigjson.loads(wanted).items()
    )


class Database:
    """The store behind a server.

    ``await db.run(fn, *args)`` runs ``fn(conn, *args)`` in a transaction.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path
        self._executor = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="julep-server-db"
        )
        self._conn: sqlite3.Connection | None = None
        self._lock: int | None = None  # the descriptor of the held lock file
        self._closed = False
        self.clock = clock.Clock()  # this database's timestamps (see clock.py)

    async def open(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._executor, self._open)

    def _open(self) -> None:
        if self.path and self.path != ":memory:":
            self._lock = _lock_for_serving(self.path)
            _HOLDING.add(self)
        try:
            if self.path and self.path != ":memory:":
                _create_private(self.path)
            conn = sqlite3.connect(self.path or ":memory:", check_same_thread=False)
            try:
                self._prepare(conn)
            except BaseException:  # e.g. not a SQLite file: close it rather than leak it
                conn.close()
                raise
        except BaseException:
            self._release_lock()
            raise
        self._conn = conn

    def _prepare(self, conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row
        # Deletes never cascade (store/schema.py), also in files whose schema says so.
        conn.execute("PRAGMA foreign_keys = OFF")
        if self.path:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.create_function("julep_metadata_matches", 2, _metadata_matches, deterministic=True)
        with conn:
            conn.executescript(DDL)
            # A job still pending was lost with the process that ran it.
            conn.execute(
                "UPDATE jobs SET state = 'aborted',"
                " reason = 'the server stopped before the job ran'"
                " WHERE state IN ('pending', 'in_progress')"
            )
            newest = _newest_timestamp(conn)
            if newest is not None:
                self.clock.advance_past_stored(newest)

    async def run(
        self,
        fn: typing.Callable[typing.Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run ``fn(conn, *args)`` on the database thread, committing unless it raises.

        The request's ``GUARD``, if any, runs inside the same transaction.
        """
        loop = asyncio.get_running_loop()
        guard = GUARD.get()
        if guard is not None and guard.owner is not asyncio.current_task():
            guard = None
        return await loop.run_in_executor(
            self._executor, functools.partial(self._transaction, fn, args, kwargs, guard)
        )

    def run_blocking(
        self,
        fn: typing.Callable[typing.Concatenate[sqlite3.Connection, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``run`` for callers outside any event loop (tests counting rows from their thread)."""
        return self._executor.submit(self._transaction, fn, args, kwargs, None).result()

    def _transaction(
        self,
        fn: typing.Callable[..., T],
        args: tuple[object, ...],
        kwargs: dict[str, object],
        guard: Guard | None,
    ) -> T:
        conn = self._conn
        if conn is None:
            raise RuntimeError("the database is not open")
        with conn, clock.using(self.clock):
            if guard is None:
                return fn(conn, *args, **kwargs)
            return guard.run(conn, functools.partial(fn, conn, *args, **kwargs))

    async def close(self) -> None:
        """Close the connection on its own thread, then stop the thread. Safe to repeat."""
        if self._closed:
            return
        self._closed = True
        # Always queued, after an open still running there: a start cancelled while
        # the database opened (its await cancelled, not its work) found no connection
        # yet, and the open then kept the file's lock for the life of the process.
        # Shielded: a cancelled await of run_in_executor's future cancels the queued
        # work itself (its concurrent future, not yet running behind the open), and an
        # anyio cancel scope cancels every await inside it again, this one included:
        # the close never ran and the lock was kept as before.
        closing = asyncio.wrap_future(self._executor.submit(self._close))
        await asyncio.shield(closing)
        self._executor.shutdown(wait=True)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self._release_lock()

    def _release_lock(self) -> None:
        _HOLDING.discard(self)
        if self._lock is not None:
            os.close(self._lock)  # closing the descriptor lets go of the lock
            self._lock = None


# The databases whose lock this process holds. A forked child shares each lock
# (flock(2) belongs to the open file, not to a process) and would hold it after
# the parent let go: the parent's restart was refused while any child lived on.
_HOLDING: weakref.WeakSet[Database] = weakref.WeakSet()


def _let_go_in_child() -> None:
    """In a forked child: close the inherited lock descriptors (the parent's lock stays)."""
    for database in list(_HOLDING):
        if database._lock is not None:
            with contextlib.suppress(OSError):
                os.close(database._lock)
            database._lock = None
    _HOLDING.clear()


if hasattr(os, "register_at_fork"):  # not on every platform
    os.register_at_fork(after_in_child=_let_go_in_child)


def _lock_for_serving(path: str) -> int | None:
    """Lock ``path``'s lock file for this server; ``DatabaseInUse`` if another holds it.

    The lock is flock(2)'s, on a file of its own: SQLite's own locks are
    fcntl(2) byte ranges on the database file, which some systems mix up with
    flock(2) on the same file. Without fcntl (Windows) nothing is locked.
    """
    try:
        import fcntl  # noqa: PLC0415 (POSIX only)
    except ImportError:
        return None
    # Named after the real path: a symlink to the file is the same database.
    lock_path = os.path.realpath(path) + LOCK_SUFFIX
    # A hard link is the same file under another real path, so another lock file; and
    # SQLite names its -wal after the path: two servers would each write a log of their
    # own into one database and corrupt it. One link only, as SQLite's docs advise.
    with contextlib.suppress(FileNotFoundError):
        links = os.stat(path).st_nlink
        if links > 1:
            raise DatabaseInUse(
                f"the file has {links} hard links: a server on another of them would lock"
                " another lock file and write a -wal of its own, corrupting the database;"
                " copy the file, or link to it with a symlink"
            )
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode(errors="replace").strip()
        os.close(fd)
        by = f" (pid {holder})" if holder.isdigit() else ""
        raise DatabaseInUse(
            f"another julep server{by} is serving this database; two servers on one file"
            " would break idempotency keys and PATCH merges between them: stop that one,"
            " or give this one another database file"
        ) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def _create_private(path: str) -> None:
    """Create the database file readable by its owner only, unless it exists.

    Everything the API holds is in it, so the process umask (0644 files, as a
    rule) would let every local user read what the API key guards. SQLite
    gives the -wal and -shm files the database file's permissions.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


# Where the newest stored timestamps are, each found without a scan: the indexed
# updated_at of the resources, and the last row written of the append-only tables.
_NEWEST_TIMESTAMP_QUERIES = (
    "SELECT max(updated_at) FROM agents",
    "SELECT max(updated_at) FROM users",
    "SELECT max(updated_at) FROM sessions",
    *(
        f"SELECT created_at FROM {table} ORDER BY rowid DESC LIMIT 1"
        for table in ("messages", "suggestions", "memories", "docs", "tools")
    ),
)


def _newest_timestamp(conn: sqlite3.Connection) -> str | None:
    """The latest timestamp the database holds (RFC 3339 text sorts as time), if any."""
    found = [row[0] for query in _NEWEST_TIMESTAMP_QUERIES for row in conn.execute(query)]
    found = [value for value in found if isinstance(value, str)]
    return max(found, default=None)


def count_rows(conn: sqlite3.Connection, table: str) -> int:
    """How many rows ``table`` (one of ``COUNTABLE``) holds."""
    if table not in COUNTABLE:
        raise ValueError(f"can count only {', '.join(COUNTABLE)}; got {table!r}")
    row = conn.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0])
