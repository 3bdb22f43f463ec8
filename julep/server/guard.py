"""What keeps a web page out of a server on localhost: a JSON-only body and a Host check.

A page in a browser may send a "simple" cross-origin POST (``text/plain``,
form types) without asking first; only ``application/json`` bodies are
accepted, so those get 415 and nothing runs. A page on a hostile name that
resolves to 127.0.0.1 (DNS rebinding) sends its own name as ``Host``; the
server answers 421 unless ``Host`` names the bound address, a loopback
address, ``localhost``, or a host allowed with ``--allow-host``. The Host
check guards servers without an API key (a page cannot know the key) and any
server started with ``--allow-host``.
"""

from __future__ import annotations

import asyncio

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .config import ServerConfig
from .errors import error_response

_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def host_name(header: str) -> str:
    """The host of a ``Host`` header, without its port or IPv6 brackets, in lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header[1:]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def _allowed_hosts(config: ServerConfig) -> frozenset[str] | None:
    """The Host names to accept, or None to accept any."""
    if "*" in config.allow_hosts or (config.api_key is not None and not config.allow_hosts):
        return None
    extra = {host_name(host) for host in config.allow_hosts}
    return frozenset({*_LOOPBACK_NAMES, host_name(config.host), *extra})


def guard_middleware(config: ServerConfig) -> Middleware:
    allowed = _allowed_hosts(config)

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        header = request.headers.get("Host")
        if allowed is not None and header is not None and host_name(header) not in allowed:
            return error_response(
                421,
                f"Host {header!r} is not an address of this server; if you meant to reach it"
                f" by that name, start it with --allow-host {host_name(header)}",
            )
        if request.body_exists and request.content_type != "application/json":
            return error_response(
                415,
                f"Content-Type: the body must be application/json, got {request.content_type!r}",
            )
        return await handler(request)

    return guard


def body_idle_middleware(config: ServerConfig) -> Middleware:
    """Read the body first, and answer 408 (closing the connection) when no byte of
    it arrives for ``idle_timeout``: aiohttp's keep-alive timer bounds idle
    connections and slow headers, but nothing bounded a body that stalls, and each
    such request held its connection and its handler forever. A slow body that
    keeps moving is read to its end. Routes then read it from aiohttp's cache."""
    seconds = config.idle_timeout

    @web.middleware
    async def body_idle(request: web.Request, handler: Handler) -> web.StreamResponse:
        # Most bodies have all arrived with their headers: nothing to wait for.
        if request.body_exists and not request.content.is_eof():
            reading = asyncio.ensure_future(request.read())
            seen = request.content.total_bytes
            while True:
                done, _ = await asyncio.wait({reading}, timeout=seconds)
                if done:
                    reading.result()  # a 413 goes on to the error middleware
                    break
                arrived = request.content.total_bytes
                if arrived == seen:
                    reading.cancel()
                    response = error_response(
                        408, f"no byte of the request body arrived for {seconds:g} s"
                    )
                    response.force_close()
                    return response
                seen = arrived
        return await handler(request)

    return body_idle
