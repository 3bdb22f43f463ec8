"""The pieces of a streamed chat reply."""

from __future__ import annotations

import attrs

from ._base import Model, ResponseModel
from .chat import ChatMlMessage, CompletionUsage
from .docs import DocIds
from .enums import ChatMlMessageRole, ChatResponseFinishReason


@attrs.frozen(kw_only=True)
class ChatStreamDelta(Model):
    """New text of the reply (``role`` is set on the first piece)."""

    content: str = ""
    role: ChatMlMessageRole | None = None


@attrs.frozen(kw_only=True)
class ChatResponseChunk(ResponseModel):
    """One server-sent event of a streamed chat.

    Text arrives in ``delta``; the last chunk carries what a ``ChatResponse``
    has: ``finish_reason``, ``usage``, ``doc_ids``, ``jobs`` and the full
    ``response``.
    """

    id: str
    index: int = 0
    delta: ChatStreamDelta | None = None
    finish_reason: ChatResponseFinishReason | None = None
    usage: CompletionUsage | None = None
    doc_ids: DocIds | None = None
    jobs: list[str] | None = None
    response: list[list[ChatMlMessage]] | None = None
