"""Response bodies as the API sends them, one per resource."""

from __future__ import annotations

import typing

AGENT_ID = "6f4c2c2e-7b3a-4c1e-9a55-0e3c1f1a2b3c"
USER_ID = "0b8d1e9a-4a5f-4f7c-8c1d-2e6f7a8b9c0d"
SESSION_ID = "9a7b6c5d-4e3f-4a1b-8c9d-0e1f2a3b4c5d"
DOC_ID = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
TOOL_ID = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a"
MEMORY_ID = "3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6a7b"
JOB_ID = "4f5a6b7c-8d9e-4f0a-9b2c-3d4e5f6a7b8c"
MESSAGE_ID = "5a6b7c8d-9e0f-4a1b-8c3d-4e5f6a7b8c9d"
WHEN = "2024-05-01T12:00:00Z"

JSON = dict[str, typing.Any]

CREATED: JSON = {"id": AGENT_ID, "created_at": WHEN, "jobs": []}
UPDATED: JSON = {"id": AGENT_ID, "updated_at": WHEN, "jobs": []}
DELETED: JSON = {"id": AGENT_ID, "deleted_at": WHEN, "jobs": []}

AGENT: JSON = {
    "id": AGENT_ID,
    "name": "Sam",
    "about": "A helpful agent",
    "model": "julep-ai/samantha-1-turbo",
    "created_at": WHEN,
    "updated_at": WHEN,
    "default_settings": {"temperature": 0.75, "preset": "creative"},
    "metadata": {"team": "core", "tier": 2},
    "instructions": ["Be brief.", "Be kind."],
}
USER: JSON = {
    "id": USER_ID,
    "name": "Ada",
    "about": "A user",
    "created_at": WHEN,
    "updated_at": WHEN,
    "metadata": {"plan": "pro"},
}
SESSION: JSON = {
    "id": SESSION_ID,
    "agent_id": AGENT_ID,
    "user_id": USER_ID,
    "situation": "A chat",
    "summary": None,
    "created_at": WHEN,
    "updated_at": WHEN,
    "metadata": {"channel": "web"},
    "render_templates": False,
    "token_budget": 1000,
    "context_overflow": "truncate",
}
DOC: JSON = {
    "id": DOC_ID,
    "title": "Manual",
    "content": ["Part one.", "Part two."],
    "created_at": WHEN,
    "metadata": {"lang": "en"},
}
FUNCTION: JSON = {
    "name": "get_weather",
    "description": "Weather for a city",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
}
TOOL: JSON = {"id": TOOL_ID, "type": "function", "function": FUNCTION}
MEMORY: JSON = {
    "id": MEMORY_ID,
    "agent_id": AGENT_ID,
    "user_id": USER_ID,
    "content": "Ada likes tea",
    "created_at": WHEN,
    "entities": [{"name": "Ada"}],
    "sentiment": 0.5,
}
MESSAGE: JSON = {
    "id": MESSAGE_ID,
    "role": "assistant",
    "content": "Hello Ada.",
    "created_at": WHEN,
}
SUGGESTION: JSON = {
    "target": "user",
    "content": "Ask about tea",
    "message_id": MESSAGE_ID,
    "session_id": SESSION_ID,
    "created_at": WHEN,
}
CHAT_RESPONSE: JSON = {
    "id": MESSAGE_ID,
    "finish_reason": "stop",
    "response": [[MESSAGE]],
    "usage": {"completion_tokens": 2, "prompt_tokens": 10, "total_tokens": 12},
    "jobs": [JOB_ID],
    "doc_ids": {"agent_doc_ids": [DOC_ID], "user_doc_ids": []},
}
JOB: JSON = {
    "id": JOB_ID,
    "name": "memory_formation",
    "created_at": WHEN,
    "updated_at": WHEN,
    "state": "succeeded",
    "has_progress": False,
    "progress": 100,
}


def items(*entries: JSON) -> JSON:
    return {"items": list(entries)}
