"""Reading request bodies with the idle timeout, so a body that stops arriving ends.

aiohttp's keep-alive timer closes a connection idle between requests or still
sending its headers, but once the headers are in, a handler waits for the
body as long as the client likes: a client that sends part of a body and then
nothing held its connection and a handler task forever (slowloris on the
body). This middleware reads every body before the handlers do; when no new
byte has arrived for ``idle_timeout`` seconds the answer is ``408`` and the
connection is closed. The bytes read stay on the request (``request.read()``
returns them), and ``max_body_bytes`` still answers ``413``.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .errors import error_response


async def _read_or_stall(request: web.Request, idle_timeout: float) -> bool:
    """Read the body into ``request``; False if no byte came for ``idle_timeout`` seconds."""
    if request.content.is_eof():  # all of it arrived already (most bodies): no task needed
        await request.read()
        return True
    reading = asyncio.ensure_future(request.read())
    seen = request.content.total_bytes
    while True:
        done, _ = await asyncio.wait({reading}, timeout=idle_timeout)
        if done:
            reading.result()  # a 413 past max_body_bytes is raised here
            return True
        now = request.content.total_bytes
        if now == seen:
            reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reading
            return False
        seen = now


def body_middleware(idle_timeout: float) -> Middleware:
    @web.middleware
    async def read_body(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.body_exists and not await _read_or_stall(request, idle_timeout):
            response = error_response(
                408, f"the request body stopped arriving for {idle_timeout:g} s"
            )
            response.force_close()
            await response.prepare(request)
            await response.write_eof()
            # Close now (the answer is flushed first) rather than after aiohttp's
            # lingering read of a body that is not coming.
            request.protocol.force_close()
            return response
        return await handler(request)

    return read_body
