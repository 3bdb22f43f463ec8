"""One short log line for a malformed HTTP request, without the bytes it held.

aiohttp logs a request it cannot parse with a traceback whose message quotes
the offending header line, ``b'Authorization: Bearer <key>\\nb'`` for instance:
a client's key would end up in the server's log. This filter rewrites such
records to one line naming the error class and status, and drops the traceback.
"""

from __future__ import annotations

import functools
import logging

from aiohttp.http_exceptions import HttpProcessingError

AIOHTTP_SERVER_LOGGER = "aiohttp.server"


class ProtocolErrorFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, HttpProcessingError):
            said = record.getMessage()  # "Error handling request from <address>"
            record.msg = "%s: malformed HTTP request refused (%s, status %d)"
            record.args = (said, type(exc).__name__, exc.code)
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True


@functools.cache
def quiet_protocol_errors() -> None:
    """Install the filter on aiohttp's server logger, once per process."""
    logging.getLogger(AIOHTTP_SERVER_LOGGER).addFilter(ProtocolErrorFilter())
