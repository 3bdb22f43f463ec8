"""``LocalServer``: the server embedded in a program or a test.

::

    with LocalServer() as server:              # its own event loop, in a thread
        client = JulepApi(base_url=server.base_url, api_key="any")

    async with LocalServer(db="julep.db") as server:   # on the caller's loop
        ...
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
import types
import typing

from aiohttp import web, web_app

from .app import API_PREFIX, build_app
from .config import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_BODY_BYTES, ServerConfig
from .db import count_rows
from .faults import KINDS
from .limits import MAX_FREEFORM_BYTES
from .protocol_log import quiet_protocol_errors
from .resources import limit_accept_error_logs
from .state import STATE
from .store.schema import COUNTABLE
from .tls import TLSTypes, server_context

logger = logging.getLogger("julep.server")
SHUTDOWN_TIMEOUT = 5.0  # seconds a stopping server gives requests still running
MAX_REQUEST_LINE_BYTES = 3 * MAX_FREEFORM_BYTES + 8 * 1024


def _forget_built_handlers() -> None:
    """Empty aiohttp's cache of built middleware chains, keyed by each app that served.

    It kept every stopped server that had answered a request (its app, state and
    OpenAPI document, some 120 KB) up to its 1,024 entries: a test session starting
    a server per test grew by tens of megabytes. The cache only saves rebuilding a
    chain, so emptying it costs running apps nothing but that.
    """
    cached = getattr(web_app, "_cached_build_middleware", None)  # private: may go away
    if cached is not None and hasattr(cached, "cache_clear"):
        cached.cache_clear()


class LocalServer:
    """A Julep-compatible server on 127.0.0.1 (by default), backed by SQLite.

    ``model_key`` (with ``model="openai"``) is sent to ``model_url`` as
    ``Authorization: Bearer``; it never appears in a repr or a log line.

    ``port=0`` picks a free port; ``db=None`` keeps everything in memory;
    ``api_key=None`` accepts any key (dev mode); ``model`` is ``echo`` (an
    offline stand-in) or ``openai`` (``model_url`` is then an OpenAI-compatible
    base URL); ``faults`` is a fault-injection spec (see ``julep.server.faults``),
    made repeatable by ``faults_seed``. A host that is not loopback needs an
    ``api_key``. Without a key, only requests whose ``Host`` names this server
    (or one of ``allow_hosts``; ``"*"`` allows any) are served.
    ``max_body_bytes`` bounds a request body (413 beyond it); a connection
    idle, or still sending its request headers, for ``idle_timeout`` seconds
    is closed, and a request body that stops arriving for as long is a 408; a
    client that stops reading a large answer for as long is disconnected.
    ``tls`` serves HTTPS: a server ``ssl.SSLContext``, a PEM file with certificate
    and key, or ``(cert, key)``.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db: str | None = None,
        api_key: str | None = None,
        model: str = "echo",
        model_url: str | None = None,
        model_key: str | None = None,
        faults: str | None = None,
        faults_seed: int | None = None,
        allow_hosts: typing.Sequence[str] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        tls: TLSTypes | None = None,
    ) -> None:
        self._tls = None if tls is None else server_context(tls)
        self.config = ServerConfig(
            host=host,
            port=port,
            db=db,
            api_key=api_key,
            model=model,
            model_url=model_url,
            model_key=model_key,
            faults=faults,
            faults_seed=faults_seed,
            allow_hosts=tuple(allow_hosts),
            max_body_bytes=max_body_bytes,
            idle_timeout=idle_timeout,
        )
        self._faults = self.config.fault_plan()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._thread_loop: asyncio.AbstractEventLoop | None = None
        self._owner_pid: int | None = None  # the process whose thread serves
        self._serving_pid: int | None = None  # the process whose loop serves (either way)
        self._stopping: set[asyncio.Future[None]] = set()  # astop()'s cleanups under way
        self._interrupted: threading.Thread | None = None  # stops an interrupted start()'s server

    def __repr__(self) -> str:
        where = self.base_url if self._port is not None else "not started"
        return f"LocalServer({where})"

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the server is not running")
        return self._port

    @property
    def base_url(self) -> str:
        """The API's base URL, e.g. ``http://127.0.0.1:8080/api`` (``https`` with ``tls``)."""
        host = f"[{self.config.host}]" if ":" in self.config.host else self.config.host
        scheme = "http" if self._tls is None else "https"
        return f"{scheme}://{host}:{self.port}{API_PREFIX}"

    @property
    def fault_counts(self) -> dict[str, int]:
        """How many faults of each kind (500, 429, reset, delay) this run (or the last) injected."""
        if self._faults is None:
            return dict.fromkeys(KINDS, 0)
        return dict(self._faults.counts)

    def count(self, table: str) -> int:
        """How many rows a table holds: agents, users, sessions, docs, tools, messages, ..."""
        if self._runner is None:
            raise RuntimeError("the server is not running")
        if self._serving_pid != os.getpid():
            # A forked child: the database's thread is the parent's, absent here, so
            # the count waited on it for ever.
            raise RuntimeError(
                f"the server runs in process {self._serving_pid}, not in this forked child:"
                " count its rows there, or start a server of the child's own"
            )
        return self._runner.app[STATE].db.run_blocking(count_rows, table)

    def stats(self) -> dict[str, int]:
        """``count`` of every table that can be counted."""
        return {table: self.count(table) for table in COUNTABLE}

    # --- on the caller's event loop ------------------------------------------

    async def astart(self) -> LocalServer:
        """Start serving on the running loop."""
        if self._runner is not None:
            raise RuntimeError("the server is already running")
        limit_accept_error_logs()
        quiet_protocol_errors()
        # Each run draws its faults afresh: with a seed, a restarted server repeats
        # them (it went on with the last run's sequence), and counts only its own.
        self._faults = self.config.fault_plan()
        runner = web.AppRunner(
            build_app(self.config, self._faults),
            access_log=None,
            shutdown_timeout=SHUTDOWN_TIMEOUT,
            # aiohttp's keep-alive timer also runs before the first request and
            # is not reset by partial headers: it bounds slow headers too.
            keepalive_timeout=self.config.idle_timeout,
            # aiohttp would inflate a gzip/deflate/br request body on the event loop
            # as it arrives (a 2 MB gzip of 2 GB held every other request for
            # seconds, 413 or not); the guard refuses such bodies instead.
            auto_decompress=False,
            # A metadata_filter may hold any metadata the server stores (64 KiB of JSON,
            # up to three times that once percent-encoded): aiohttp's 8,190-byte request
            # line refused such a filter with a plain-text 400.
            max_line_size=MAX_REQUEST_LINE_BYTES,
        )
        await runner.setup()
        try:
            site = web.TCPSite(
                runner, self.config.host, self.config.port, backlog=1024, ssl_context=self._tls
            )
            await site.start()
        except BaseException:
            # Shielded, as in astop(): an anyio cancel scope cancels every await inside
            # it again, and a cleanup cut short at its first await left the database
            # open and its file locked for the life of the process.
            await self._cleanup(runner)
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._serving_pid = os.getpid()
        if self.config.api_key is None:
            logger.warning(
                "julep server: no API key set, so any Authorization header is accepted (dev mode)"
            )
        # DEBUG, not INFO: `julep serve` prints its own banner with the same URL.
        logger.debug("julep server: serving the API at %s", self.base_url)
        return self

    async def astop(self) -> None:
        """Stop serving: finish queued memory jobs, close the database. Safe to call twice.

        Cancelling it (a timeout around it while requests finish) does not cancel the
        stopping, which goes on: cut short, it left the database open and its file
        locked for the life of the process.
        """
        runner, self._runner = self._runner, None
        try:
            if runner is not None:
                await self._cleanup(runner)
                _forget_built_handlers()
        finally:
            self._port = None

    async def _cleanup(self, runner: web.AppRunner) -> None:
        """``runner.cleanup()``, going on to its end even when this await is cancelled."""
        stopping = asyncio.ensure_future(runner.cleanup())
        self._stopping.add(stopping)  # a task must be referenced until it ends
        stopping.add_done_callback(self._stopping.discard)
        await asyncio.shield(stopping)

    async def __aenter__(self) -> LocalServer:
        return await self.astart()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.astop()

    # --- on a loop of its own, in a thread -----------------------------------

    def start(self) -> LocalServer:
        """Start serving from a background thread running its own event loop."""
        if self._thread is not None or self._runner is not None:
            raise RuntimeError("the server is already running")
        interrupted = self._interrupted
        if interrupted is not None:
            # An interrupted start()'s server, still starting, is stopped first: once
            # started it took this one's place (its runner and port) and its helper
            # then stopped this one's state, leaving this server serving unreachable
            # by stop() (and its database file locked) for the life of the process.
            interrupted.join()
            self._interrupted = None
        started: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._thread = threading.Thread(
            target=self._serve_in_thread, args=(started,), name="julep-local-server", daemon=True
        )
        self._thread.start()
        self._owner_pid = os.getpid()
        try:
            started.result()
        except BaseException:
            thread, self._thread = self._thread, None
            if started.done() and started.exception() is not None:
                thread.join()  # the start failed: the thread has ended, or is ending
                raise
            # Interrupted (Ctrl+C) while the thread starts: joining it waited for ever,
            # since it goes on to serve. A helper stops it once started, unwaited.
            self._interrupted = threading.Thread(
                target=self._stop_once_started,
                args=(started, thread),
                name="julep-local-server-stop",
                daemon=True,
            )
            self._interrupted.start()
            raise
        return self

    def _stop_once_started(
        self, started: concurrent.futures.Future[None], thread: threading.Thread
    ) -> None:
        """Stop the server of an interrupted ``start()`` as soon as its thread has started it."""
        try:
            started.result()
        except BaseException:
            thread.join()
            return
        loop = self._thread_loop
        if loop is not None:
            self._stop_thread(loop, thread)

    def _serve_in_thread(self, started: concurrent.futures.Future[None]) -> None:
        loop = asyncio.new_event_loop()
        try:
            loop.run_until_complete(self.astart())
        except BaseException as exc:
            started.set_exception(exc)
            loop.close()
            return
        self._thread_loop = loop
        started.set_result(None)
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    def stop(self) -> None:
        """Stop a server started with ``start()``. Safe to call twice."""
        loop, thread = self._thread_loop, self._thread
        if loop is None or thread is None:
            return
        if self._owner_pid != os.getpid():
            # A forked child (leaving the parent's with block, sys.exit): the
            # server thread is the parent's, absent here, and so is the server;
            # waiting on it hung the child for ever. The copy is only forgotten, all
            # of it: a start() of the child's own was refused as 'already running'.
            self._thread_loop = self._thread = None
            self._runner = None
            self._port = None
            return
        try:
            self._stop_thread(loop, thread)
        finally:
            self._thread = None

    def _stop_thread(self, loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        try:
            asyncio.run_coroutine_threadsafe(self.astop(), loop).result()
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join()
            if self._thread_loop is loop:
                self._thread_loop = None

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.stop()
