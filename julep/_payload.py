"""Request bodies of bytes over 1 MiB, sent without aiohttp's ResourceWarning.

aiohttp warns ("Sending a large body directly with raw bytes might lock the event
loop") whenever it wraps a bytes body over 1 MiB, on every such request: an error
under pytest's ``filterwarnings = error``, ``-W error`` or ``-X dev``, so a 2 MiB
doc (or, on the local server, a long prompt sent to ``--model openai``) failed
with a bare ResourceWarning. The io.BytesIO it advises is written in chunks, so a
server that answers ``413`` and closes mid-body would be read as a broken write
(an ``APIConnectionError``) instead of its ``413``: such a body is sent as bytes
are, in one write, through a ``BytesPayload`` built without the warning.
"""

from __future__ import annotations

import typing

import aiohttp.payload

# aiohttp's threshold (aiohttp.payload.TOO_LARGE_BYTES_BODY).
LARGE_BODY = 2**20


class LargeBody(aiohttp.payload.BytesPayload):
    """A bytes body aiohttp sends as it sends any bytes, without its warning."""

    def __init__(self, value: bytes) -> None:
        # BytesPayload.__init__ without the warning: Payload's, then the size.
        aiohttp.payload.Payload.__init__(self, value, content_type="application/json")
        self._size = len(value)


@typing.overload
def body(data: bytes) -> bytes | LargeBody: ...
@typing.overload
def body(data: None) -> None: ...
def body(data: bytes | None) -> bytes | LargeBody | None:
    """``data`` as the ``data=`` of an aiohttp request (a new payload each attempt)."""
    return data if data is None or len(data) <= LARGE_BODY else LargeBody(data)
