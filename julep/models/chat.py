"""Chat messages, settings and responses."""

from __future__ import annotations

import datetime as dt
import typing

import attrs

from .._types import OMIT
from . import _convert
from ._base import FreeformObject, Model, ResponseModel, accept_wire_names
from ._export import REQUIRED_IN_0_3_9
from .docs import DocIds
from .enums import (
    ChatMlImageContentPartImageUrlDetail,
    ChatMlMessageRole,
    ChatResponseFinishReason,
    ChatSettingsPreset,
    ChatSettingsResponseFormatType,
    InputChatMlMessageRole,
)
from .tools import ChatInputDataToolChoice, Tool


@attrs.frozen(kw_only=True)
class ChatMlTextContentPart(Model):
    text: str
    type: typing.Literal["text"] = attrs.field(default="text", metadata=REQUIRED_IN_0_3_9)


@attrs.frozen(kw_only=True)
class ChatMlImageContentPartImageUrl(Model):
    url: str
    detail: ChatMlImageContentPartImageUrlDetail | None = attrs.field(
        default=OMIT, converter=_convert.image_detail
    )


@attrs.frozen(kw_only=True)
class ChatMlImageContentPart(Model):
    image_url: ChatMlImageContentPartImageUrl
    type: typing.Literal["image_url"] = attrs.field(default="image_url", metadata=REQUIRED_IN_0_3_9)


# julep 0.3.x generated a subclass per union arm and per direction; the parts
# carry their own `type` here, so the names are aliases of the two part classes.
ChatMlMessageContentItem_Text = InputChatMlMessageContentItem_Text = ChatMlTextContentPart
ChatMlMessageContentItem_ImageUrl = ChatMlImageContentPart
InputChatMlMessageContentItem_ImageUrl = ChatMlImageContentPart
# A part of a type this SDK does not know yet is kept as the raw JSON object.
ChatMlMessageContentItem = typing.Union[
    ChatMlTextContentPart, ChatMlImageContentPart, dict[str, typing.Any]
]
InputChatMlMessageContentItem = ChatMlMessageContentItem
ChatMlMessageContent = typing.Union[str, list[ChatMlMessageContentItem]]
InputChatMlMessageContent = ChatMlMessageContent


@accept_wire_names
@attrs.frozen(kw_only=True)
class InputChatMlMessage(Model):
    role: InputChatMlMessageRole = attrs.field(converter=_convert.input_role)
    content: InputChatMlMessageContent
    name: str | None = OMIT
    continue_: bool | None = OMIT


@attrs.frozen(kw_only=True)
class ChatMlMessage(ResponseModel):
    id: str
    role: ChatMlMessageRole
    content: ChatMlMessageContent
    created_at: dt.datetime
    name: str | None = None


class ChatSettingsResponseFormatSchema(FreeformObject):
    __slots__ = ()


@accept_wire_names
@attrs.frozen(kw_only=True)
class ChatSettingsResponseFormat(Model):
    type: ChatSettingsResponseFormatType | None = attrs.field(
        default=OMIT, converter=_convert.response_format_type
    )
    pattern: str | None = OMIT
    schema_: dict[str, typing.Any] | None = OMIT


ChatSettingsStop = typing.Union[str, list[str], None]


@attrs.frozen(kw_only=True)
class ChatSettings(Model):
    frequency_penalty: float | None = OMIT
    length_penalty: float | None = OMIT
    logit_bias: dict[str, int | None] | None = OMIT
    max_tokens: int | None = OMIT
    presence_penalty: float | None = OMIT
    repetition_penalty: float | None = OMIT
    response_format: ChatSettingsResponseFormat | None = OMIT
    seed: int | None = OMIT
    stop: ChatSettingsStop = OMIT
    stream: bool | None = OMIT
    temperature: float | None = OMIT
    top_p: float | None = OMIT
    min_p: float | None = OMIT
    preset: ChatSettingsPreset | None = attrs.field(default=OMIT, converter=_convert.preset_strict)


@attrs.frozen(kw_only=True)
class ChatInputData(Model):
    messages: list[InputChatMlMessage]
    tools: list[Tool] | None = OMIT
    tool_choice: ChatInputDataToolChoice | None = OMIT


@attrs.frozen(kw_only=True)
class CompletionUsage(Model):
    completion_tokens: int
    prompt_tokens: int
    total_tokens: int


@attrs.frozen(kw_only=True)
class ChatResponse(ResponseModel):
    id: str
    finish_reason: ChatResponseFinishReason
    response: list[list[ChatMlMessage]]
    usage: CompletionUsage
    # Required since 0.3.9; a server of the 0.3.0 era sends none, so default to empty.
    # Still a required field for .dict(exclude_defaults=True), as in 0.3.9.
    doc_ids: DocIds = attrs.field(
        factory=lambda: DocIds(agent_doc_ids=[], user_doc_ids=[]),
        metadata=REQUIRED_IN_0_3_9,
    )
    jobs: list[str] | None = None
