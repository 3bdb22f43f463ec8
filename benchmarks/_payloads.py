"""Canned request/response bytes shared by the benchmark parent, the stub
server and the client workers.

Stdlib only: the client worker also runs under julep 0.3.9's side virtualenv,
which must not need anything from the dev virtualenv.
"""

from __future__ import annotations

import json
from typing import Final

# Fixed ids so every run (and every machine) serves byte-identical responses.
RESPONSE_ID: Final = "8f0b7a52-3c1e-4d5a-9b7e-2f6c1d0e4a11"
MESSAGE_ID: Final = "0c9d3e2f-6a7b-4c8d-9e1f-5a4b3c2d1e00"
SESSION_ID: Final = "5b1f2e3d-4c5b-4a69-8788-99aabbccddee"

# Padding text sized so the whole body lands at ~534 bytes, the size used for
# the project's reference measurements (a 534-byte ChatResponse).
_CONTENT: Final = (
    "Hello! This is a canned assistant reply served by the benchmark stub. "
    "It pads the ChatResponse body to the size used for the reference "
    "measurements, so that the parsing cost is comparable across all runs."
)

RESPONSE_OBJ: Final[dict[str, object]] = {
    "id": RESPONSE_ID,
    "finish_reason": "stop",
    "response": [
        [
            {
                "role": "assistant",
                "content": _CONTENT,
                # created_at and id are required by julep 0.3.9's ChatMlMessage.
                "created_at": "2024-05-01T12:00:00Z",
                "id": MESSAGE_ID,
            }
        ]
    ],
    "usage": {"completion_tokens": 42, "prompt_tokens": 17, "total_tokens": 59},
    "jobs": [],
    "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
}

# Compact separators: this is what goes on the wire verbatim.
RESPONSE_BODY: Final = json.dumps(RESPONSE_OBJ, separators=(",", ":")).encode()

REQUEST_OBJ: Final[dict[str, object]] = {
    "messages": [{"role": "user", "content": "hello"}],
    "temperature": 0.7,
    "max_tokens": 200,
}
REQUEST_BODY: Final = json.dumps(REQUEST_OBJ, separators=(",", ":")).encode()

# The nginx location and the asyncio stub both match this, as the real API does.
CHAT_PATH_REGEX: Final = r"^/api/sessions/[^/]+/chat$"


def chat_url(port: int) -> str:
    """Full chat URL for the canned session on the loopback stub."""
    return f"http://127.0.0.1:{port}/api/sessions/{SESSION_ID}/chat"


def base_url(port: int) -> str:
    """Base URL the SDK clients are given (they append /sessions/{id}/chat)."""
    return f"http://127.0.0.1:{port}/api"
