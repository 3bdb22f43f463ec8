"""Server-sent events for streamed chats.

The format (the SDK's stream reader is written against it):

- each event is ``data: <json>\\n\\n``;
- a piece of the reply: ``{"id": <chat id>, "delta": {"role": "assistant",
  "content": "<text>"}, "index": 0}`` (the echo model sends one per word,
  with the whitespace before it);
- then one final event carrying the whole ChatResponse (``id``,
  ``finish_reason``, ``usage``, ``jobs``, ``doc_ids``, ``response``);
- then ``data: [DONE]\\n\\n``.

An error after the stream started is sent as ``data: {"error": {"message":
..., "type": ...}}\\n\\n`` and the stream ends there.
"""

from __future__ import annotations

import orjson
from aiohttp import web

from .backends.echo import pieces
from .bodies import IdleBoundedStream
from .state import STATE

DONE = b"data: [DONE]\n\n"
HEADERS = {"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}


def accepts(request: web.Request) -> bool:
    """Whether the client asked for a stream: ``Accept`` names ``text/event-stream`` (in any
    case, media types are case-insensitive) with a quality above 0 (``q=0`` refuses it)."""
    for accept in request.headers.getall("Accept", ()):
        for media_range in accept.split(","):
            kind, *parameters = media_range.split(";")
            if kind.strip().lower() == "text/event-stream" and _quality(parameters) > 0:
                return True
    return False


def _quality(parameters: list[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0  # a weight that cannot be read accepts nothing
    return 1.0


def event(data: bytes) -> bytes:
    return b"data: " + data + b"\n\n"


def delta(chat_id: str, text: str) -> bytes:
    return event(
        orjson.dumps({"id": chat_id, "delta": {"role": "assistant", "content": text}, "index": 0})
    )


def error(message: str, kind: str) -> bytes:
    return event(orjson.dumps({"error": {"message": message, "type": kind}}))


async def open_stream(
    request: web.Request, extra_headers: dict[str, str] | None = None
) -> web.StreamResponse:
    idle = request.app[STATE].config.idle_timeout
    response = IdleBoundedStream(request, idle, headers={**HEADERS, **(extra_headers or {})})
    await response.prepare(request)
    return response


async def replay(
    request: web.Request, chat_response: bytes, extra_headers: dict[str, str]
) -> web.StreamResponse:
    """Stream a stored ChatResponse again: its content word by word, then the response."""
    data = orjson.loads(chat_response)
    content = data["response"][0][0]["content"]
    text = content if isinstance(content, str) else ""
    response = await open_stream(request, extra_headers)
    events = b"".join(delta(data["id"], piece) for piece in pieces(text))
    await response.write(events + event(chat_response) + DONE)
    await response.write_eof()
    return response
