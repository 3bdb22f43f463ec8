"""API-key checking: ``Authorization: <key>`` or ``Authorization: Bearer <key>``.

The raw 0.3.x client sends the key verbatim and its wrapper sends it with
``Bearer``, so both are accepted. The key is never logged.
"""

from __future__ import annotations

import hmac

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .errors import error_response


def _presented(header: str) -> str:
    value = header.strip()
    if value[:7].lower() == "bearer ":
        value = value[7:].strip()
    return value


def auth_middleware(api_key: str, *, exempt: frozenset[str]) -> Middleware:
    """403 ``Could not validate API KEY`` for any request without the key (but ``exempt`` paths).

    A header that is not UTF-8 text (aiohttp hands its bytes over as surrogate
    escapes) is a 401: it cannot hold any key.
    """
    # Trimmed as what is presented is: HTTP drops the spaces around a header value,
    # so a key configured with them ("key " pasted into the environment) never matched.
    expected = api_key.strip().encode()

    @web.middleware
    async def check_key(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in exempt:
            try:
                given = _presented(request.headers.get("Authorization", "")).encode()
            except UnicodeEncodeError:
                return error_response(401, "Authorization: the header is not valid UTF-8 text")
            if not hmac.compare_digest(given, expected):
                return error_response(403, "Could not validate API KEY")
        return await handler(request)

    return check_key
