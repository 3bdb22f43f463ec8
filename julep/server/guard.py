"""What keeps a web page out of a server on localhost: a JSON-only body and a Host check.

A page in a browser may send a "simple" cross-origin POST (``text/plain``,
form types) without asking first; only ``application/json`` bodies are
accepted, so those get 415 and nothing runs. A page on a hostile name that
resolves to 127.0.0.1 (DNS rebinding) sends its own name as ``Host``; the
server answers 421 unless ``Host`` names the bound address, a loopback
address, ``localhost``, or a host allowed with ``--allow-host``. The Host
check guards servers without an API key (a page cannot know the key) and any
server started with ``--allow-host``. A compressed body (``Content-Encoding``)
is refused with 415 too: inflating it would run on the event loop.
"""

from __future__ import annotations

import codecs

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


# Python's names for the charsets a JSON body may be declared in: UTF-8, and
# ASCII, which is UTF-8 byte for byte.
_READABLE_AS_UTF8 = frozenset({"utf-8", "ascii"})


def _utf8_compatible(charset: str) -> bool:
    """Whether a body in ``charset`` (any spelling: UTF8, us-ascii) reads right as UTF-8."""
    try:
        return codecs.lookup(charset).name in _READABLE_AS_UTF8
    except LookupError:
        return False


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
        charset = request.charset
        if request.body_exists and charset is not None and not _utf8_compatible(charset):
            # JSON is UTF-8 (RFC 8259); a body said to be another charset would be
            # read as UTF-8 all the same, and its text stored garbled.
            return error_response(
                415,
                f"Content-Type: a JSON body is UTF-8, got charset={charset!r}",
            )
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if request.body_exists and encoding != "identity":
            return error_response(
                415,
                f"Content-Encoding: the body must not be compressed, got {encoding!r}",
            )
        return await handler(request)

    return guard
