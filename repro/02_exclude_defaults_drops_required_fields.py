"""`.dict(exclude_defaults=True)` drops fields julep 0.3.9 kept: a content part's
"type" discriminator (leaving {"text": "hi"}, which no schema accepts) and
ChatResponse.doc_ids. README: every model has 0.3.9's .dict()/.json() with
pydantic v1's keyword arguments (exclude_defaults among them).

julep 0.3.9 (`/work/venv039/bin/python`), the same payloads:
    ChatMlMessage ... .dict(exclude_defaults=True)["content"] == [{"type": "text", "text": "hi"}]
    ChatResponse ... .dict(exclude_defaults=True) has "doc_ids"
Exits 1 while the defect is present.
"""

import sys

import julep
from julep._serde import converter

failures = []
message = converter.structure(
    {"id": "m", "role": "user", "content": [{"type": "text", "text": "hi"}], "created_at": "2024-05-01T12:00:00Z"},
    julep.ChatMlMessage,
)
content = message.dict(exclude_defaults=True)["content"]
if content != [{"type": "text", "text": "hi"}]:
    failures.append(f"ChatMlMessage.dict(exclude_defaults=True)['content'] == {content!r}")
reply = converter.structure(
    {
        "id": "c",
        "finish_reason": "stop",
        "response": [],
        "usage": {"completion_tokens": 0, "prompt_tokens": 0, "total_tokens": 0},
        "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
    },
    julep.ChatResponse,
)
if "doc_ids" not in reply.dict(exclude_defaults=True):
    failures.append("ChatResponse.dict(exclude_defaults=True) has no doc_ids")
print("\n".join(failures))
sys.exit(1 if failures else 0)
