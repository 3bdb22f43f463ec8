"""Hand-written pydantic v2 models equivalent to the SDK's, for decode_scale.py.

Same fields, optionality, enums, datetimes and unions as julep's attrs models
(``Agent``, ``ChatMlMessage`` and their list responses); pydantic's default
(lax) mode, unknown keys ignored, as the SDK does.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Annotated, Any, Literal

import pydantic


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


class AgentDefaultSettings(pydantic.BaseModel):
    frequency_penalty: float | None = None
    length_penalty: float | None = None
    presence_penalty: float | None = None
    repetition_penalty: float | None = None
    temperature: float | None = None
    top_p: float | None = None
    min_p: float | None = None
    preset: Preset | None = None


class Agent(pydantic.BaseModel):
    id: str
    name: str
    model: str
    about: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    default_settings: AgentDefaultSettings | None = None
    metadata: dict[str, Any] | None = None
    instructions: str | list[str] | None = None


class ListAgentsResponse(pydantic.BaseModel):
    items: list[Agent]


class TextPart(pydantic.BaseModel):
    type: Literal["text"] = "text"
    text: str


class ImageUrl(pydantic.BaseModel):
    url: str
    detail: Detail | None = None


class ImagePart(pydantic.BaseModel):
    type: Literal["image_url"] = "image_url"
    image_url: ImageUrl


Part = Annotated[TextPart | ImagePart, pydantic.Field(discriminator="type")]


class ChatMlMessage(pydantic.BaseModel):
    id: str
    role: Role
    content: str | list[Part]
    created_at: dt.datetime
    name: str | None = None


class GetHistoryResponse(pydantic.BaseModel):
    items: list[ChatMlMessage] | None = None
