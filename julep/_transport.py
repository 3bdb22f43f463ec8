"""The only module that speaks aiohttp.

The session is created lazily inside the first coroutine that needs it, so it
belongs to the loop that uses it: the caller's loop for ``AsyncJulepApi``, the
portal's loop for ``JulepApi``. aiohttp exceptions are turned into julep errors
here, with the original kept as ``__cause__``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import math
import os
import time
import typing
import weakref

import aiohttp
from aiohttp.client_proto import ResponseHandler
from aiohttp.http_exceptions import HttpProcessingError
from yarl import URL

from . import _payload
from ._config import Timeout
from ._deadlines import Deadlines
from ._http import RawResponse
from ._network import DEFAULT, NetworkSettings, describe_failure
from ._portal import _Forks
from ._sse import DEFAULT_MAX_EVENT_BYTES, Event, EventStreamError, SSEDecoder
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    JulepError,
    ResponseTooLargeError,
)

# HttpProcessingError: aiohttp's parser refusing what the server sent (a header
# line too long, a broken chunked or gzip body); it is no ClientError.
_CONNECTION_ERRORS = (aiohttp.ClientError, HttpProcessingError, OSError)

DEFAULT_MAX_RESPONSE_BYTES = 100 * 1024 * 1024

# aiohttp rounds every timeout of 5 s or more up to the next whole second of the
# loop's clock (to batch timer wake-ups): Timeout(total=5.05) would end at up to
# 6 s. A deadline is a promise, so no timeout is rounded.
_NEVER_ROUND = math.inf


def running_loop() -> asyncio.AbstractEventLoop:
    """The running asyncio loop; a ``JulepError`` saying so where none runs.

    Under trio (``anyio.run(..., backend="trio")``, or the ``[trio]`` run of an
    ``anyio``-marked test where trio is installed) asyncio's bare ``RuntimeError:
    no running event loop`` escaped from the first request.
    """
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        raise JulepError(
            "AsyncJulepApi runs on an asyncio event loop (aiohttp), and none is running "
            "in this thread; trio is not supported: run it under asyncio, or use JulepApi"
        ) from None


class Transport:
    """Owns (or borrows) one aiohttp session and sends requests through it."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        connection_limit: int = 100,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        network: NetworkSettings = DEFAULT,
    ) -> None:
        self._session = session
        self._network = network
        self._request_options: dict[str, typing.Any] = network.request_options()  # the proxy
        if session is not None:
            # A caller's session may have been made with raise_for_status=True (a
            # non-2xx would arrive as aiohttp's ClientResponseError: an untyped,
            # retried "connection error") or auto_decompress=False (a gzip body
            # read as JSON, and counted compressed against max_response_bytes).
            # The SDK's requests keep its own rules; the session's others apply.
            self._request_options.update(raise_for_status=False, auto_decompress=True)
        self._owns_session = session is None
        self._connection_limit = connection_limit
        self._max_response_bytes = max_response_bytes
        self._max_event_bytes = max_event_bytes
        self._loop: asyncio.AbstractEventLoop | None = None
        # The process the session was opened in (a fork count): a forked child
        # must not send on the parent's pooled connections, even through the
        # same loop object, or both read each other's responses.
        self._forks = _Forks.generation
        self._deadlines: Deadlines | None = None  # of the requests on that loop
        self._closer: asyncio.Task[None] | None = None
        # Closes the session on its loop should this transport be dropped unclosed.
        self._abandon: weakref.finalize[typing.Any, Transport] | None = None
        self._closed = False
        # Responses whose body is being read: close() wakes their readers, which
        # aiohttp leaves waiting (it drops a closed connection's payload unfed).
        self._reading: set[aiohttp.ClientResponse] = set()
        _TRANSPORTS.add(self)

    def _get_session(self) -> aiohttp.ClientSession:
        session = self._session
        try:  # asyncio's own call on this path of every request, not running_loop()'s frame
            if (
                session is not None
                and self._loop is asyncio.get_running_loop()
                and self._forks == _Forks.generation
            ):
                return session
        except RuntimeError:
            pass  # no asyncio loop runs: _open_session says so
        return self._open_session()

    def _forget_if_forked(self) -> None:
        if self._forks != _Forks.generation:
            self._forks = _Forks.generation
            if self._owns_session:  # a caller's session is the caller's business
                self.forget()

    def _open_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise ClientClosedError("this client is closed; create a new one")
        self._forget_if_forked()
        loop = running_loop()
        if self._session is not None and not self._owns_session:
            self._loop = loop  # a caller-owned session: its loop is the caller's business
            self._deadlines = Deadlines(loop)
            return self._session
        if self._session is not None and self._loop is not None and not self._loop.is_closed():
            raise JulepError(
                "this AsyncJulepApi is in use on another event loop; "
                "an aiohttp session belongs to one loop, so create one client per loop"
            )
        # The previous loop (if any) is closed. If it ended through asyncio.run,
        # _close_with_loop already closed its session; otherwise set it aside.
        if self._session is not None and not self._session.closed:
            _park(self._session)
        connector = _Connector(
            limit=self._connection_limit,
            keepalive_timeout=30,
            enable_cleanup_closed=False,
            timeout_ceil_threshold=_NEVER_ROUND,
            ssl=self._network.ssl,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._network.session_headers(),
            # Timeouts are set per attempt; aiohttp's 5-minute default would cut
            # long streams, and its own limits do not know about our deadline.
            timeout=aiohttp.ClientTimeout(total=None, ceil_threshold=_NEVER_ROUND),
            # No skip_auto_headers: every request carries the client's own
            # User-Agent, so aiohttp adds none, and a skip list would cost a
            # header copy on every request.
            auto_decompress=True,
        )
        # aiohttp re-sends a GET, PUT or DELETE once, at once and unseen, when its
        # connection drops (ServerDisconnectedError, ClientOSError): an attempt the
        # retry loop never counts, with no backoff, made even with max_retries=0 (a
        # delete applied before the drop came back as a 404 with retries_taken=0).
        # Every retry is the retry loop's, with its policy and its count.
        self._session._retry_connection = False
        self._loop = loop
        self._deadlines = Deadlines(loop)
        self._closer = closer = loop.create_task(_close_with_loop(self._session, self._forks))
        self._set_abandon(weakref.finalize(self, _close_abandoned, loop, closer))
        return self._session

    def _set_abandon(self, finalizer: weakref.finalize[typing.Any, Transport] | None) -> None:
        if self._abandon is not None:
            self._abandon.detach()
        if finalizer is not None:
            finalizer.atexit = False  # at exit the loop's own shutdown does it
        self._abandon = finalizer

    async def send(
        self,
        method: str,
        url: str,
        *,
        headers: typing.Mapping[str, str],
        data: bytes | None,
        timeout: Timeout,
        budget: float | None,
    ) -> RawResponse:
        """Send one attempt and read the whole body, within ``budget`` seconds."""
        session = self._get_session()
        deadlines = self._deadlines
        started = time.monotonic()
        limit = _min_limit(timeout.read, budget)
        task = None if limit is None or deadlines is None else deadlines.arm(limit)
        # try/except rather than map_errors(): this is the hot path of every call.
        try:
            # Awaited, not entered with `async with`: its __aenter__ would be one
            # more coroutine that every wake-up of this request passes through.
            # The finally below does what its __aexit__ does.
            response = await session.request(
                method,
                URL(url, encoded=True),
                headers=headers,
                data=_payload.body(data),
                # The attempt's own limit is the deadline armed above, or
                # aiohttp's when there is no task to cancel.
                timeout=_client_timeout(limit if task is None else None, timeout.connect),
                allow_redirects=False,
                **self._request_options,
            )
            self._reading.add(response)
            try:
                # The common case without read_body's coroutine around it.
                length, limit_bytes = _plain_length(response), self._max_response_bytes
                body = await (
                    response.read()
                    if length is not None and length <= limit_bytes
                    else read_body(response, limit_bytes, method, url)
                )
            finally:
                self._reading.discard(response)
                response.release()
                await response.wait_for_close()  # the request's writer has ended
        except asyncio.CancelledError:
            if task is None or deadlines is None or not deadlines.claim(task):
                raise
            raise APITimeoutError(
                f"{method} {url} timed out after {limit:g} s", method=method, url=url
            ) from None
        except (asyncio.TimeoutError, *_CONNECTION_ERRORS) as exc:
            raise _julep_error(method, url, exc) from exc
        except RuntimeError as exc:
            if not _closed_under_us(exc):
                raise
            raise _julep_error(method, url, exc) from exc
        finally:
            if task is not None and deadlines is not None:
                deadlines.disarm(task)
        # Positional: (method, url, status, headers, body, retries_taken, elapsed).
        return RawResponse(
            method, url, response.status, response.headers, body, 0, time.monotonic() - started
        )

    async def open_stream(
        self,
        method: str,
        url: str,
        *,
        headers: typing.Mapping[str, str],
        data: bytes | None,
        timeout: Timeout,
        budget: float | None,
    ) -> StreamBody:
        """Send one attempt and return as soon as the response headers arrived.

        Only the wait for the headers is bounded by the read limit and the
        budget; the body is then read under the stream-idle limit.
        """
        session = self._get_session()
        started = time.monotonic()
        with map_errors(method, url):
            request = session.request(
                method,
                URL(url, encoded=True),
                headers=headers,
                data=_payload.body(data),
                # No sock_read yet: the wait for the headers is the read limit's
                # (a model may take longer than stream_idle to start a reply).
                timeout=_client_timeout(None, timeout.connect),
                allow_redirects=False,
                **self._request_options,
            )
            limit = _min_limit(timeout.read, budget)
            response = await (
                request if limit is None else asyncio.wait_for(_await(request), limit)
            )
        if timeout.stream_idle is not None:
            _watch_idle(response, timeout.stream_idle)
        return StreamBody(
            response,
            method=method,
            url=url,
            started=started,
            max_response_bytes=self._max_response_bytes,
            max_event_bytes=self._max_event_bytes,
            reading=self._reading,
        )

    async def close(self) -> None:
        """Close the session if this transport created it; a borrowed one is left open."""
        self._closed = True
        self._forget_if_forked()  # in a forked child, the parent's session is not ours to close
        session, self._session = self._session, None
        closer, self._closer = self._closer, None
        self._set_abandon(None)
        if session is None or not self._owns_session:
            return
        if self._loop is not None and self._loop is not asyncio.get_running_loop():
            if self._loop.is_closed():
                _park(session)
                return
            raise JulepError("close the client on the event loop that used it")
        reading, self._reading = self._reading, set()
        for response in reading:
            response.content.set_exception(
                aiohttp.ClientConnectionError("the client was closed during the read")
            )
            # And give its connection back now: a reader that never looks again (a
            # stream its caller dropped) would leave it to the garbage collector,
            # which warns of an unclosed connection.
            response.close()
        await session.close()
        if closer is not None:
            closer.cancel()

    def mark_closed(self) -> None:
        """Refuse every later request; for a client closed where ``close()`` cannot run."""
        self._closed = True

    @property
    def network(self) -> NetworkSettings:
        """The proxy, its credentials and the TLS settings of the connections."""
        return self._network

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called: nothing is worth retrying any more."""
        return self._closed

    def connections_in_use(self) -> int:
        """Connections taken from the pool and not yet returned (for diagnostics)."""
        session = self._session
        if session is None or session.closed:
            return 0
        # aiohttp offers no public count; _acquired is the set it keeps of them.
        return len(getattr(session.connector, "_acquired", ()))

    def forget(self) -> None:
        """Drop the session without closing it: after fork, its sockets are the parent's."""
        if self._session is not None and self._owns_session:
            _park(self._session)
        self._session = None
        self._loop = None
        self._deadlines = None
        if self._closer is not None:
            # The parent's task, on the parent's loop: collected here it would
            # print "Task was destroyed but it is pending!". Kept, as the session.
            _PARKED_TASKS.append(self._closer)
        self._closer = None
        self._set_abandon(None)  # the loop is the parent's: never touch it
        self._reading = set()  # the parent's responses: none of them is read here


class _Connector(aiohttp.TCPConnector):
    """A pool that never hands out a connection holding bytes nobody asked for.

    A keep-alive connection idle in the pool must be silent. A server that
    writes on it anyway (the tail of a body longer than its Content-Length,
    sent late; a second, unsolicited response) would have those bytes read as
    the answer to the next request sent on it: the wrong response, returned as
    a success. Such a connection is closed instead (httpcore does the same).
    """

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        super().__init__(*args, **kwargs)
        # Every connection's protocol is a _SilentCheckedHandler (aiohttp makes
        # them with this factory, TLS-in-TLS ones included).
        factory: type[ResponseHandler] = _SilentCheckedHandler
        self._factory = functools.partial(factory, loop=self._loop)

    def close(self, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        # aiohttp cancels the future of each request waiting for a free slot: the
        # request's task, which nobody cancelled, would end in a bare CancelledError.
        # Fail them as the requests holding a connection fail: a connection error
        # (which the client reports as ClientClosedError).
        for waiters in getattr(self, "_waiters", {}).values():
            for waiter in waiters:
                if not waiter.done():
                    waiter.set_exception(
                        aiohttp.ClientConnectionError(
                            "the client was closed while this request waited for a connection"
                        )
                    )
                    waiter.exception()  # read here: no "never retrieved" if its task is gone
        return super().close(*args, **kwargs)


class _SilentCheckedHandler(ResponseHandler):
    """A connection that reads as closed once it holds bytes nobody asked for.

    aiohttp asks ``is_connected()`` of an idle connection before it reuses
    it, and of idle ones when it sweeps the pool, and closes those that say
    no; aiohttp 3.14 asks it nowhere else (``Connection.closed``, public,
    repeats it). So the check costs nothing on the request path, where a
    wrapper around the pool lookup cost a coroutine per request.
    """

    def is_connected(self) -> bool:
        # should_close is true when a parsed response waits unread, or the
        # parser is mid-message; a connection fit for reuse has neither.
        return super().is_connected() and not self.should_close

    def close(self) -> None:
        transport = self.transport
        if transport is not None and transport.get_write_buffer_size():
            # Bytes of a request still unsent (its answer came first, as a 413
            # mid-upload does, or it was given up): a graceful close would go on
            # writing them to a peer that stopped reading, past the client's own
            # close, and the loop would be closed under the transport ("Event loop
            # is closed" from its write callback, an unclosed-transport warning).
            transport.abort()
        super().close()


# Sessions whose loop is gone without closing them (a loop closed by hand, or
# left behind in the parent by a fork). Closing them would touch that loop, and
# in a forked child the epoll set it shares with the parent; letting them be
# collected would warn about an unclosed session. Keeping them is the one safe
# choice, and they are few. The same for the parent's closer tasks in a child.
_PARKED: list[aiohttp.ClientSession] = []
_PARKED_TASKS: list[asyncio.Task[None]] = []


def _park(session: aiohttp.ClientSession) -> None:
    _PARKED.append(session)


# Every transport of this process, for the child of a fork.
_TRANSPORTS: weakref.WeakSet[Transport] = weakref.WeakSet()


def _forget_sessions_after_fork() -> None:
    """In a forked child, set the parent's sessions aside at once, not on the child's
    first use: a child that never used its copy of a client and exited normally had
    the copy's pooled connections closed by the garbage collector at its exit, which
    took their sockets out of the epoll set the child shares with the parent, so
    the parent's next request on one waited for its answer until its timeout."""
    for transport in list(_TRANSPORTS):
        transport._forget_if_forked()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    # After _portal's hook (registered at its import, before this one): the fork
    # count is already the child's.
    os.register_at_fork(after_in_child=_forget_sessions_after_fork)


class StreamBody:
    """A response whose body is still arriving; ``close()`` it when done."""

    def __init__(
        self,
        response: aiohttp.ClientResponse,
        *,
        method: str,
        url: str,
        started: float,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        reading: set[aiohttp.ClientResponse] | None = None,
    ) -> None:
        self._response = response
        # The transport's responses being read, this one among them until it is over.
        self._reading: set[aiohttp.ClientResponse] = set() if reading is None else reading
        self._reading.add(response)
        self._max_response_bytes = max_response_bytes
        self._max_event_bytes = max_event_bytes
        self.method = method
        self.url = url
        self.status = response.status
        self.headers: typing.Mapping[str, str] = response.headers
        self.retries_taken = 0
        self._started = started

    @property
    def content_type(self) -> str:
        return self._response.content_type

    @property
    def elapsed(self) -> float:
        """Seconds since the request was sent."""
        return time.monotonic() - self._started

    async def read_all(self, within: float | None = None) -> RawResponse:
        """Read the rest of the body and release the connection.

        ``within``: the seconds left of the attempt's read limit and the call's
        budget. Only the wait for the headers was bounded so far; a body that
        trickles in (an error page, a JSON answer to a stream request) must not
        take the whole deadline, nor, without a total, forever.
        """
        reading = read_body(self._response, self._max_response_bytes, self.method, self.url)
        try:
            with map_errors(self.method, self.url):
                if within is None:
                    body = await reading
                else:
                    body = await asyncio.wait_for(reading, max(within, 0.0))
        except BaseException:
            self._response.close()  # half read: the connection cannot be reused
            raise
        finally:
            self._reading.discard(self._response)
            self._response.release()
        return RawResponse(
            method=self.method,
            url=self.url,
            status=self.status,
            headers=self.headers,
            body=body,
            retries_taken=self.retries_taken,
            elapsed=self.elapsed,
        )

    async def events(self) -> typing.AsyncIterator[list[Event]]:
        """The body's server-sent events, as each piece of it arrives.

        A piece may complete no event (a keep-alive comment, half an event): the
        empty list lets the caller see that bytes arrived. The bytes are read as
        they come, never a line at a time, so no line is too long for aiohttp;
        an event over ``max_event_bytes`` or text that is not UTF-8 raises
        ``EventStreamError``, and a body over ``max_response_bytes`` raises
        ``ResponseTooLargeError`` after dropping the connection.
        """
        content = self._response.content
        decoder = SSEDecoder(self._max_event_bytes)
        received = 0
        while True:
            with map_errors(self.method, self.url):
                chunk = await _read_any(content)
            if not chunk:
                return
            received += len(chunk)
            over = received - self._max_response_bytes
            if over > 0:
                # The events within the limit still count: they go out first.
                chunk = chunk[: len(chunk) - over]
            try:
                events = decoder.feed(chunk)
            except EventStreamError as exc:
                if exc.completed:
                    yield exc.completed
                raise
            if over > 0:
                if events:
                    yield events
                self.close()
                raise _too_large(self._response, self._max_response_bytes, self.method, self.url)
            yield events

    def close(self) -> None:
        """Drop the connection: a half-read stream cannot go back to the pool."""
        self._reading.discard(self._response)
        self._response.close()


async def read_body(response: aiohttp.ClientResponse, limit: int, method: str, url: str) -> bytes:
    """The whole body, or ``ResponseTooLargeError`` as soon as it passes ``limit`` bytes.

    Counted after decompression, so a small gzip that inflates to gigabytes stops
    at the limit too. Past it the connection is closed, not drained: the rest of
    a hostile body is never read.
    """
    length = _plain_length(response)
    if length is not None:
        if length > limit:
            response.close()
            raise _too_large(response, limit, method, url)
        return await response.read()
    chunks: list[bytes] = []
    received = 0
    while chunk := await response.content.readany():
        received += len(chunk)
        if received > limit:
            response.close()
            raise _too_large(response, limit, method, url)
        chunks.append(chunk)
    return b"".join(chunks)


async def _read_any(content: aiohttp.StreamReader) -> bytes:
    """``content.readany()``, but the bytes that came before a broken connection first.

    aiohttp raises the connection's error as soon as it is set, even with bytes
    still buffered ahead of it: the last events of a stream whose connection
    dropped right after them (a chunked body cut before its closing chunk, the
    final event and ``[DONE]`` included) would be lost, and a reply that had
    arrived whole reported broken. The error is raised by the next read.
    """
    try:
        return await content.readany()
    except Exception as exc:
        if exc is content.exception() and content._buffer:
            return content._read_nowait(-1)
        raise


def _plain_length(response: aiohttp.ClientResponse) -> int | None:
    """The declared length of an uncompressed body, else None.

    Within the limit, ``response.read()`` may read such a body: aiohttp reads
    no more than the declared length.
    """
    if response.headers.get("Content-Encoding", "identity").lower() != "identity":
        return None
    return response.content_length


def _too_large(
    response: aiohttp.ClientResponse, limit: int, method: str, url: str
) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        limit=limit,
        status_code=response.status,
        request_id=response.headers.get("x-request-id"),
        method=method,
        url=url,
    )


async def _close_with_loop(session: aiohttp.ClientSession, forks: int) -> None:
    """Wait until the loop shuts down, then close the session on it.

    asyncio.run (and anyio's runner) cancel the tasks still pending when the
    main coroutine returns; this one then closes a session its owner forgot,
    so no socket is left on a dead loop and aiohttp has nothing to warn about.
    ``forks``: the fork count of the process that opened the session.
    """
    try:
        await asyncio.Event().wait()
    except asyncio.CancelledError:  # the loop's shutdown, or _close_abandoned
        # A child forked while this loop ran runs its copy of this task when its
        # copy of asyncio.run ends: the session is the parent's, and closing it
        # here would take its sockets out of the epoll set both processes share
        # (the parent's next call on a pooled connection waited until its timeout).
        if forks == _Forks.generation:
            await session.close()
        raise
    # GeneratorExit passes untouched: the coroutine was dropped without its loop
    # ever running it again (a forked child's copy of its parent's task), and the
    # session is the parent's to close; awaiting here would only make Python
    # print "coroutine ignored GeneratorExit".


def _close_abandoned(loop: asyncio.AbstractEventLoop, closer: asyncio.Task[None]) -> None:
    """A transport was collected with its session open (an ``AsyncJulepApi``
    dropped without ``close()`` while its loop runs on): wake its closer, which
    closes the session on that loop. Holding the task here until then keeps it
    from being destroyed pending ("Task was destroyed but it is pending!").
    """
    if closer.done() or loop.is_closed():
        return
    with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
        loop.call_soon_threadsafe(closer.cancel)


def _watch_idle(response: aiohttp.ClientResponse, seconds: float) -> None:
    """From now on, fail the body's reads after ``seconds`` without a byte from the server.

    aiohttp's ``sock_read`` does this, but it would also bound the wait for the
    headers; set on the connection once they came, it bounds only the body. The
    timer stops while reading is paused (the caller is slow, not the server).
    """
    connection = response.connection
    protocol = None if connection is None else connection.protocol
    if protocol is not None:  # None: the body was already whole, nothing is left to wait for
        protocol.read_timeout = seconds
        protocol.start_timeout()


async def _await(request: typing.Awaitable[aiohttp.ClientResponse]) -> aiohttp.ClientResponse:
    return await request


def _min_limit(limit: float | None, budget: float | None) -> float | None:
    if limit is None:
        return budget
    if budget is None:
        return limit
    return min(limit, budget)


@functools.lru_cache(maxsize=64)
def _client_timeout(total: float | None, connect: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's limits for one attempt; the common ones are made once."""
    return aiohttp.ClientTimeout(total=total, sock_connect=connect, ceil_threshold=_NEVER_ROUND)


def _julep_error(method: str, url: str, exc: BaseException) -> APIConnectionError:
    """The julep error for an aiohttp or socket failure."""
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        detail = f": {exc}" if str(exc) else ""
        return APITimeoutError(f"{method} {url} timed out{detail}", method=method, url=url)
    if isinstance(exc, RuntimeError) and str(exc).startswith("Session is closed"):
        # A caller's session (session=) closed under the client: nothing to retry.
        return ClientClosedError(
            f"{method} {url} failed: the aiohttp session this client uses is closed",
            method=method,
            url=url,
        )
    problem = describe_failure(exc, url)
    if problem is not None:
        return APIConnectionError(f"{method} {url} failed: {problem}", method=method, url=url)
    return APIConnectionError(
        f"{method} {url} failed: {type(exc).__name__}: {exc}", method=method, url=url
    )


def _closed_under_us(exc: RuntimeError) -> bool:
    """Whether aiohttp raised RuntimeError for a connection or session closed while in
    use (``close()`` with calls in flight, or a caller's session closed): that is a
    failed request, not a bug, and aiohttp gives no other sign of it than the text.
    """
    return str(exc).startswith(("Connection closed", "Session is closed"))


@contextlib.contextmanager
def map_errors(method: str, url: str) -> typing.Iterator[None]:
    """Turn aiohttp and socket failures into julep errors, keeping the cause."""
    try:
        yield
    except (asyncio.TimeoutError, *_CONNECTION_ERRORS) as exc:
        raise _julep_error(method, url, exc) from exc
    except RuntimeError as exc:
        if not _closed_under_us(exc):
            raise
        raise _julep_error(method, url, exc) from exc
