"""Canned list bodies of any size for decode_scale.py: agents and chat history.

Stdlib only: the stub server and julep 0.3.9's side virtualenv import it too.
The item count is in the URL's first segment (``/n1000/api/agents``), so every
client reaches it through its ordinary base URL and sends no ``limit``.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Final

SESSION_ID: Final = "5b1f2e3d-4c5b-4a69-8788-99aabbccddee"
MAX_ITEMS: Final = 100_000
_ROUTE: Final = re.compile(rb"^/n(\d+)/api/(agents|sessions/[^/]+/history)$")

_ABOUT: Final = (
    "A benchmark agent with a realistic amount of text in its description, "
    "so that decoding is not all keys."
)
_TEXT: Final = (
    "A canned chat message of about the length people type or models answer in one short turn."
)
_PRESETS: Final = ("conversational", "problem_solving", "code", "creative")


def _uuid(kind: int, i: int) -> str:
    return f"{i:08x}-0000-4{kind:03x}-8000-{i:012x}"


def _stamp(i: int) -> str:
    return f"2024-05-{1 + i % 28:02d}T12:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1_000_000:06d}Z"


def agent(i: int) -> dict[str, object]:
    """Agent number ``i``: every field of the schema set, ~430 bytes of JSON."""
    return {
        "id": _uuid(1, i),
        "name": f"agent {i}",
        "model": "gpt-4o",
        "about": _ABOUT,
        "created_at": _stamp(i),
        "updated_at": _stamp(i + 1),
        "default_settings": {
            "temperature": 0.7,
            "top_p": 1.0,
            "frequency_penalty": 0.0,
            "presence_penalty": 0.0,
            "preset": _PRESETS[i % len(_PRESETS)],
        },
        "metadata": {"team": "bench", "n": i},
        "instructions": ["Answer briefly.", "Cite your sources."],
    }


def message(i: int) -> dict[str, object]:
    """History entry number ``i``: user and assistant turns alternate."""
    return {
        "id": _uuid(2, i),
        "role": "user" if i % 2 == 0 else "assistant",
        "content": _TEXT,
        "name": None,
        "created_at": _stamp(i),
    }


@functools.lru_cache(maxsize=32)
def body(kind: str, items: int) -> bytes:
    """The JSON body listing ``items`` agents (``kind="agents"``) or messages."""
    make = agent if kind == "agents" else message
    return json.dumps({"items": [make(i) for i in range(items)]}, separators=(",", ":")).encode()


def route(path: bytes) -> bytes | None:
    """The body for a request path, or None when the path is not a decode route."""
    match = _ROUTE.match(path)
    if match is None:
        return None
    items = int(match[1])
    if items > MAX_ITEMS:
        return None
    return body("agents" if match[2] == b"agents" else "history", items)


def base_url(port: int, items: int) -> str:
    """The base URL under which every list holds ``items`` entries."""
    return f"http://127.0.0.1:{port}/n{items}/api"
