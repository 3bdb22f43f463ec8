"""Error bodies: every error the server sends is ``{"detail": ...}``."""

from __future__ import annotations

import logging
import sqlite3

import orjson
from aiohttp import web
from aiohttp.typedefs import Handler, LooseHeaders

logger = logging.getLogger("julep.server")
_BODY_HEADERS = frozenset({"content-type", "content-length"})


class RequestError(Exception):
    """Raised anywhere in a request to answer with ``status`` and ``{"detail": detail}``."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def not_found(what: str) -> RequestError:
    """The 404 for a missing resource, worded as the API of 0.3.x did (``Agent not found``)."""
    return RequestError(404, f"{what} not found")


def invalid(detail: str) -> RequestError:
    """The 422 for a request that does not fit the API's shapes."""
    return RequestError(422, detail)


def error_response(
    status: int, detail: str, *, headers: LooseHeaders | None = None
) -> web.Response:
    return web.Response(
        status=status,
        body=orjson.dumps({"detail": detail}),
        content_type="application/json",
        headers=headers,
    )


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into a JSON error response, so middlewares outside see responses only."""
    try:
        return await handler(request)
    except RequestError as problem:
        return error_response(problem.status, problem.detail)
    except web.HTTPException as exc:
        # The router's 404 and 405 (and aiohttp's own 4xx such as 413) arrive
        # here; keep their status and headers (405 has Allow) but send JSON.
        if exc.status < 400:
            raise
        headers = {k: v for k, v in exc.headers.items() if k.lower() not in _BODY_HEADERS}
        return error_response(exc.status, exc.reason, headers=headers)
    except ConnectionResetError:
        # The client went away (a cancelled call, a timeout): nobody to answer,
        # and nothing went wrong on this side worth a traceback. Raising would
        # make aiohttp log one ("Error handling request"); a response it cannot
        # send is dropped quietly.
        logger.debug("client disconnected during %s %s", request.method, request.path)
        return error_response(500, "the client disconnected")
    except sqlite3.OperationalError as exc:
        trouble = _database_trouble(exc)
        if trouble is None:
            logger.exception("unhandled error in %s %s", request.method, request.path)
            return error_response(500, "Internal Server Error")
        status, detail, headers = trouble
        logger.warning("%s %s: %s", request.method, request.path, detail)
        return error_response(status, detail, headers=headers)
    except Exception:
        logger.exception("unhandled error in %s %s", request.method, request.path)
        return error_response(500, "Internal Server Error")


# SQLite's primary result codes (the low byte of an extended code).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_FULL = 5, 6, 13
# Their messages, for Python 3.10, whose exceptions carry no code.
_LOCKED_TEXTS = frozenset({"database is locked", "database table is locked"})


def _database_trouble(exc: sqlite3.OperationalError) -> tuple[int, str, dict[str, str]] | None:
    """The answer to a database that cannot take a write now, or None for a real bug.

    Both were a bare 500 "Internal Server Error" (and a traceback per request):
    a full disk, and a database file another program holds a write lock on
    beyond the busy timeout. The transaction was rolled back, so nothing was
    written, and the request may be sent again.
    """
    code = getattr(exc, "sqlite_errorcode", None)  # Python 3.11+
    primary = None if code is None else code & 0xFF
    text = str(exc)
    if primary == _SQLITE_FULL or (primary is None and text == "database or disk is full"):
        return 507, "the disk holding the database is full; nothing was written", {}
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED) or (primary is None and text in _LOCKED_TEXTS):
        return (
            503,
            "the database is locked by another program; nothing was written, retry later",
            {"Retry-After": "1"},
        )
    return None
