"""msgspec Structs equivalent to the SDK's models, for decode_scale.py.

Same fields, optionality, enums, datetimes and unions as julep's attrs models
(``Agent``, ``ChatMlMessage`` and their list responses); content parts are a
tagged union on ``type``; unknown keys are ignored.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

import msgspec


class Preset(str, enum.Enum):
    PROBLEM_SOLVING = "problem_solving"
    CONVERSATIONAL = "conversational"
    FUN = "fun"
    PROSE = "prose"
    CREATIVE = "creative"
    BUSINESS = "business"
    DETERMINISTIC = "deterministic"
    CODE = "code"
    MULTILINGUAL = "multilingual"


class Role(str, enum.Enum):
    USER = "user"
    ASSISTANT = "assistant"
    SYSTEM = "system"
    FUNCTION_CALL = "function_call"
    FUNCTION = "function"


class Detail(str, enum.Enum):
    LOW = "low"
    HIGH = "high"
    AUTO = "auto"


class AgentDefaultSettings(msgspec.Struct):
    frequency_penalty: float | None = None
    length_penalty: float | None = None
    presence_penalty: float | None = None
    repetition_penalty: float | None = None
    temperature: float | None = None
    top_p: float | None = None
    min_p: float | None = None
    preset: Preset | None = None


class Agent(msgspec.Struct, kw_only=True):
    id: str
    name: str
    model: str
    about: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    default_settings: AgentDefaultSettings | None = None
    metadata: dict[str, Any] | None = None
    instructions: str | list[str] | None = None


class ListAgentsResponse(msgspec.Struct):
    items: list[Agent]


class TextPart(msgspec.Struct, tag_field="type", tag="text"):
    text: str


class ImageUrl(msgspec.Struct):
    url: str
    detail: Detail | None = None


class ImagePart(msgspec.Struct, tag_field="type", tag="image_url"):
    image_url: ImageUrl


class ChatMlMessage(msgspec.Struct, kw_only=True):
    id: str
    role: Role
    content: str | list[TextPart | ImagePart]
    created_at: dt.datetime
    name: str | None = None


class GetHistoryResponse(msgspec.Struct):
    items: list[ChatMlMessage] | None = None
