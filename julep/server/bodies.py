"""Request and response bodies under the idle timeout, so a stalled peer cannot hold on.

aiohttp's keep-alive timer closes a connection idle between requests or still
sending its headers, but once the headers are in, a handler waits for the
body as long as the client likes: a client that sends part of a body and then
nothing held its connection and a handler task forever (slowloris on the
body). This middleware reads every body before the handlers do; when no new
byte has arrived for ``idle_timeout`` seconds, or the body comes slower than
``MIN_BODY_RATE`` (past a grace of a few idle timeouts), the answer is ``408``
and the connection is closed. The bytes read stay on the request (``request.read()``
returns them), and ``max_body_bytes`` still answers ``413``.

The other way round, a large answer (a long list, a history) sits in the
connection's send buffer until the client reads it: a client that asks and
never reads held it, and the connection, for ever. ``send_middleware`` sends
such answers itself and closes the connection when nothing of them has been
taken for ``idle_timeout`` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import typing

from aiohttp import HttpVersion11, web
from aiohttp.typedefs import Handler, Middleware

from .errors import error_response

# A body must also keep up a minimum pace: one byte just inside the idle timeout,
# again and again, would hold a connection and its handler for ever. As Apache's
# mod_reqtimeout does it: a grace of a few idle timeouts, then each second more
# must have brought MIN_BODY_RATE bytes (a 4 MiB body may take over two hours).
MIN_BODY_RATE = 500  # bytes a second
BODY_GRACE_IDLE_TIMEOUTS = 4


async def _read_or_stall(request: web.Request, idle_timeout: float) -> str | None:
    """Read the body into ``request``; None, or why it was given up (a 408's detail):
    no byte for ``idle_timeout`` seconds, or slower than ``MIN_BODY_RATE``."""
    if request.content.is_eof():  # all of it arrived already (most bodies): no task needed
        await request.read()
        return None
    loop = asyncio.get_running_loop()
    started = loop.time()
    reading = asyncio.ensure_future(request.read())
    seen = request.content.total_bytes
    while True:
        done, _ = await asyncio.wait({reading}, timeout=idle_timeout)
        if done:
            reading.result()  # a 413 past max_body_bytes is raised here
            return None
        now = request.content.total_bytes
        allowed = BODY_GRACE_IDLE_TIMEOUTS * idle_timeout + now / MIN_BODY_RATE
        if now == seen:
            reason = f"the request body stopped arriving for {idle_timeout:g} s"
        elif loop.time() - started > allowed:
            reason = f"the request body arrived slower than {MIN_BODY_RATE} bytes a second"
        else:
            seen = now
            continue
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading
        return reason


def _too_large(declared: int, max_body_bytes: int) -> web.Response:
    response = error_response(
        413, f"the request body of {declared} bytes is over the limit of {max_body_bytes} bytes"
    )
    # The body is not read: the connection cannot carry another request.
    response.force_close()
    return response


async def _send_and_close(request: web.Request, response: web.Response) -> web.Response:
    await response.prepare(request)
    await response.write_eof()
    # Close now (the answer is flushed first) rather than after aiohttp's
    # lingering read of a body that is not coming, or not wanted.
    request.protocol.force_close()
    return response


def body_middleware(idle_timeout: float, max_body_bytes: int) -> Middleware:
    @web.middleware
    async def read_body(request: web.Request, handler: Handler) -> web.StreamResponse:
        declared = request.content_length
        if declared is not None and declared > max_body_bytes:
            # Refused from its Content-Length, unread: reading the first
            # max_body_bytes of a declared 10 GB, then draining the rest, cost
            # seconds and hundreds of megabytes for an answer known at once.
            return await _send_and_close(request, _too_large(declared, max_body_bytes))
        given_up = await _read_or_stall(request, idle_timeout) if request.body_exists else None
        if given_up is not None:
            response = error_response(408, given_up)
            response.force_close()
            return await _send_and_close(request, response)
        return await handler(request)

    return read_body


ExpectHandler = typing.Callable[[web.Request], typing.Awaitable[web.StreamResponse | None]]


def expect_handler(max_body_bytes: int) -> ExpectHandler:
    """For ``Expect: 100-continue``: a body declared over the limit gets its 413 instead of
    ``100 Continue`` (aiohttp's own handler invites every body, whatever its size)."""

    async def expect(request: web.Request) -> web.StreamResponse | None:
        if request.version != HttpVersion11:
            return None  # HTTP/1.0 has no 100 Continue; the body comes anyway
        if request.headers.get("Expect", "").lower() != "100-continue":
            raise web.HTTPExpectationFailed(text=f"unknown Expect: {request.headers['Expect']}")
        declared = request.content_length
        if declared is not None and declared > max_body_bytes:
            return await _send_and_close(request, _too_large(declared, max_body_bytes))
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # as aiohttp's own handler: the answer has not begun
        return None

    return expect


# An answer smaller than this, headers included, written to an empty send buffer stays
# below its 64 KiB high-water mark: writing it never waits for the client, so it goes
# out as aiohttp sends it.
SMALL_ANSWER_BYTES = 32 * 1024


async def _taken_within(
    request: web.Request, transport: asyncio.Transport, sending: asyncio.Future[None], idle: float
) -> bool:
    """Wait for ``sending`` (a write of an answer); False if the client took none of it for
    ``idle`` seconds, in which case the write is cancelled and the connection aborted."""
    waiting = math.inf  # the first look only sets the mark: the answer is written by then
    while True:
        done, _ = await asyncio.wait({sending}, timeout=idle)
        if done:
            return True
        now = transport.get_write_buffer_size() if not transport.is_closing() else 0
        if now >= waiting:  # the client took nothing for ``idle`` seconds
            sending.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                await sending
            transport.abort()  # close() would keep the unsent answer until it is taken
            request.protocol.force_close()
            return False
        waiting = now


async def _send_or_stall(request: web.Request, response: web.Response, idle: float) -> None:
    transport = request.transport
    assert transport is not None  # checked by send_middleware
    try:
        await response.prepare(request)
    except ConnectionError:  # the client is gone: nothing to send
        request.protocol.force_close()
        return
    sending = asyncio.ensure_future(response.write_eof())
    if not await _taken_within(request, transport, sending, idle):
        return
    if not sending.cancelled() and isinstance(sending.exception(), ConnectionError):
        request.protocol.force_close()  # the client went away mid-answer
        return
    sending.result()


class IdleBoundedStream(web.StreamResponse):
    """A streamed answer (server-sent events) whose writes end, with ``ConnectionResetError``
    and the connection aborted, when the client takes nothing for ``idle`` seconds: a
    client that asked for a stream and stopped reading held it, and its unsent events,
    for ever."""

    def __init__(self, request: web.Request, idle: float, **kwargs: typing.Any) -> None:
        super().__init__(**kwargs)
        self._bounded_request = request
        self._idle = idle

    async def _bounded(self, write: typing.Coroutine[typing.Any, typing.Any, None]) -> None:
        request = self._bounded_request
        transport = request.transport
        if transport is None:  # the client is gone: the write itself says so
            await write
            return
        sending = asyncio.ensure_future(write)
        if not await _taken_within(request, transport, sending, self._idle):
            raise ConnectionResetError(
                f"the client took nothing of the stream for {self._idle:g} s"
            )
        sending.result()

    async def write(self, data: typing.Any) -> None:
        await self._bounded(super().write(data))

    async def write_eof(self, data: bytes = b"") -> None:
        await self._bounded(super().write_eof(data))


def send_middleware(idle_timeout: float) -> Middleware:
    @web.middleware
    async def send_body(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        transport = request.transport
        if (
            isinstance(response, web.Response)
            and not response.prepared
            and transport is not None
            and not transport.is_closing()
            # A large answer, or one queued behind answers the client has not taken
            # yet (requests pipelined by a client that never reads): only these can
            # fill the send buffer and wait on the client.
            and (
                (response.content_length or 0) > SMALL_ANSWER_BYTES
                or transport.get_write_buffer_size() > 0
            )
        ):
            await _send_or_stall(request, response, idle_timeout)
        return response

    return send_body
