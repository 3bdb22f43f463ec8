"""Sessions, their history and suggestions."""

from __future__ import annotations

import datetime as dt
import typing

import attrs

from ._base import FreeformObject, ResponseModel
from .chat import ChatMlMessage
from .enums import SuggestionTarget


class SessionMetadata(FreeformObject):
    __slots__ = ()


class CreateSessionRequestMetadata(FreeformObject):
    __slots__ = ()


class UpdateSessionRequestMetadata(FreeformObject):
    __slots__ = ()


class PatchSessionRequestMetadata(FreeformObject):
    __slots__ = ()


@attrs.frozen(kw_only=True)
class Session(ResponseModel):
    id: str
    agent_id: str
    user_id: str | None = None
    situation: str | None = None
    summary: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    metadata: dict[str, typing.Any] | None = None
    render_templates: bool | None = None
    token_budget: int | None = None
    context_overflow: str | None = None


@attrs.frozen(kw_only=True)
class ListSessionsResponse(ResponseModel):
    items: list[Session]


@attrs.frozen(kw_only=True)
class Suggestion(ResponseModel):
    target: SuggestionTarget
    content: str
    message_id: str
    session_id: str
    created_at: dt.datetime | None = None


@attrs.frozen(kw_only=True)
class GetSuggestionsResponse(ResponseModel):
    items: list[Suggestion] | None = None


@attrs.frozen(kw_only=True)
class GetHistoryResponse(ResponseModel):
    items: list[ChatMlMessage] | None = None
