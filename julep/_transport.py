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
import time
import typing

import aiohttp
from yarl import URL

from ._config import Timeout
from ._http import RawResponse
from ._network import DEFAULT, NetworkSettings, describe_failure
from .errors import APIConnectionError, APITimeoutError, JulepError

_CONNECTION_ERRORS = (aiohttp.ClientError, OSError)


class Transport:
    """Owns (or borrows) one aiohttp session and sends requests through it."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession | None = None,
        connection_limit: int = 100,
        network: NetworkSettings = DEFAULT,
    ) -> None:
        self._session = session
        self._network = network
        self._request_options = network.request_options()  # the proxy, if any
        self._owns_session = session is None
        self._connection_limit = connection_limit
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closer: asyncio.Task[None] | None = None
        self._closed = False

    def _get_session(self) -> aiohttp.ClientSession:
        session = self._session
        if session is not None and self._loop is asyncio.get_running_loop():
            return session
        return self._open_session()

    def _open_session(self) -> aiohttp.ClientSession:
        if self._closed:
            raise JulepError("this client is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self._session is not None and not self._owns_session:
            self._loop = loop  # a caller-owned session: its loop is the caller's business
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
        connector = aiohttp.TCPConnector(
            limit=self._connection_limit,
            keepalive_timeout=30,
            enable_cleanup_closed=False,
            ssl=self._network.ssl,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            headers=self._network.session_headers(),
            # Timeouts are set per attempt; aiohttp's 5-minute default would cut
            # long streams, and its own limits do not know about our deadline.
            timeout=aiohttp.ClientTimeout(total=None),
            auto_decompress=True,
            skip_auto_headers=("User-Agent",),
        )
        self._loop = loop
        self._closer = loop.create_task(_close_with_loop(self._session))
        return self._session

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
        started = time.monotonic()
        # try/except rather than map_errors(): this is the hot path of every call.
        try:
            async with session.request(
                method,
                URL(url, encoded=True),
                headers=headers,
                data=data,
                timeout=_attempt_timeout(timeout, budget),
                allow_redirects=False,
                **self._request_options,
            ) as response:
                body = await response.read()
        except (asyncio.TimeoutError, *_CONNECTION_ERRORS) as exc:
            raise _julep_error(method, url, exc) from exc
        return RawResponse(
            method=method,
            url=url,
            status=response.status,
            headers=response.headers,
            body=body,
            elapsed=time.monotonic() - started,
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
        client_timeout = aiohttp.ClientTimeout(
            total=None,
            connect=timeout.connect,
            sock_connect=timeout.connect,
            sock_read=timeout.stream_idle,
        )
        started = time.monotonic()
        with map_errors(method, url):
            request = session.request(
                method,
                URL(url, encoded=True),
                headers=headers,
                data=data,
                timeout=client_timeout,
                allow_redirects=False,
                **self._request_options,
            )
            limit = _min_limit(timeout.read, budget)
            response = await (
                request if limit is None else asyncio.wait_for(_await(request), limit)
            )
        return StreamBody(response, method=method, url=url, started=started)

    async def close(self) -> None:
        """Close the session if this transport created it; a borrowed one is left open."""
        self._closed = True
        session, self._session = self._session, None
        closer, self._closer = self._closer, None
        if session is None or not self._owns_session:
            return
        if self._loop is not None and self._loop is not asyncio.get_running_loop():
            if self._loop.is_closed():
                _park(session)
                return
            raise JulepError("close the client on the event loop that used it")
        await session.close()
        if closer is not None:
            closer.cancel()

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
        self._closer = None


# Sessions whose loop is gone without closing them (a loop closed by hand, or
# left behind in the parent by a fork). Closing them would touch that loop, and
# in a forked child the epoll set it shares with the parent; letting them be
# collected would warn about an unclosed session. Keeping them is the one safe
# choice, and they are few.
_PARKED: list[aiohttp.ClientSession] = []


def _park(session: aiohttp.ClientSession) -> None:
    _PARKED.append(session)


class StreamBody:
    """A response whose body is still arriving; ``close()`` it when done."""

    def __init__(
        self, response: aiohttp.ClientResponse, *, method: str, url: str, started: float
    ) -> None:
        self._response = response
        self.method = method
        self.url = url
        self.status = response.status
        self.headers: typing.Mapping[str, str] = response.headers
        self.retries_taken = 0
        self._started = started

    @property
    def content_type(self) -> str:
        return self._response.content_type

    async def read_all(self) -> RawResponse:
        """Read the rest of the body and release the connection."""
        try:
            with map_errors(self.method, self.url):
                body = await self._response.read()
        finally:
            self._response.release()
        return RawResponse(
            method=self.method,
            url=self.url,
            status=self.status,
            headers=self.headers,
            body=body,
            retries_taken=self.retries_taken,
            elapsed=time.monotonic() - self._started,
        )

    async def lines(self) -> typing.AsyncIterator[str]:
        """The body line by line, without line endings."""
        content = self._response.content
        while True:
            with map_errors(self.method, self.url):
                raw = await content.readline()
            if not raw:
                return
            yield raw.decode("utf-8").rstrip("\r\n")

    def close(self) -> None:
        """Drop the connection: a half-read stream cannot go back to the pool."""
        self._response.close()


async def _close_with_loop(session: aiohttp.ClientSession) -> None:
    """Wait until the loop shuts down, then close the session on it.

    asyncio.run (and anyio's runner) cancel the tasks still pending when the
    main coroutine returns; this one then closes a session its owner forgot,
    so no socket is left on a dead loop and aiohttp has nothing to warn about.
    """
    try:
        await asyncio.Event().wait()
    finally:
        await session.close()


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
    return aiohttp.ClientTimeout(total=total, connect=connect, sock_connect=connect)


def _attempt_timeout(timeout: Timeout, budget: float | None) -> aiohttp.ClientTimeout:
    """aiohttp's limits for one attempt; the common first attempt reuses one object."""
    if budget is not None and timeout.read is not None and budget < timeout.read:
        return aiohttp.ClientTimeout(
            total=budget, connect=timeout.connect, sock_connect=timeout.connect
        )
    return _client_timeout(_min_limit(timeout.read, budget), timeout.connect)


def _julep_error(method: str, url: str, exc: BaseException) -> APIConnectionError:
    """The julep error for an aiohttp or socket failure."""
    if isinstance(exc, (asyncio.TimeoutError, aiohttp.ServerTimeoutError)):
        detail = f": {exc}" if str(exc) else ""
        return APITimeoutError(f"{method} {url} timed out{detail}", method=method, url=url)
    problem = describe_failure(exc, url)
    if problem is not None:
        return APIConnectionError(f"{method} {url} failed: {problem}", method=method, url=url)
    return APIConnectionError(
        f"{method} {url} failed: {type(exc).__name__}: {exc}", method=method, url=url
    )


@contextlib.contextmanager
def map_errors(method: str, url: str) -> typing.Iterator[None]:
    """Turn aiohttp and socket failures into julep errors, keeping the cause."""
    try:
        yield
    except (asyncio.TimeoutError, *_CONNECTION_ERRORS) as exc:
        raise _julep_error(method, url, exc) from exc
