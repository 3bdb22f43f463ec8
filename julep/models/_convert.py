"""attrs converters that let enum fields take their plain string values.

Request-only fields are strict: an unknown value fails when the model is
built, before any request. Fields also decoded from responses are lenient only
to what decoding gives them (an enum instance, perhaps a pseudo-member for a
value the server added later); a plain string given in code is checked.

(They are named functions because mypy's attrs plugin only understands those.)
"""

from __future__ import annotations

import enum
import typing

from .._types import OMIT
from ._enum_values import strict_enum
from .enums import (
    ChatMlImageContentPartImageUrlDetail,
    ChatSettingsPreset,
    ChatSettingsResponseFormatType,
    InputChatMlMessageRole,
    ToolType,
)

_E = typing.TypeVar("_E", bound=enum.Enum)


def _strict(cls: type[_E], value: typing.Any) -> _E:
    try:
        return strict_enum(cls, value)
    except ValueError as exc:
        raise ValueError(f"{cls.__name__}: {exc}") from None


def _lenient(cls: type[_E], value: typing.Any) -> _E:
    # Decoding hands over an enum instance already (an unknown value read from a
    # response is a pseudo-member, kept); a plain string is the caller's, and a
    # typo in it (preset="nope") fails here as in julep 0.3.9, before any request.
    return value if isinstance(value, cls) else _strict(cls, value)


def _optional(value: typing.Any) -> bool:
    return value is None or value is OMIT


def input_role(value: InputChatMlMessageRole | str) -> InputChatMlMessageRole:
    return _strict(InputChatMlMessageRole, value)


def tool_type_strict(value: ToolType | str) -> ToolType:
    return _strict(ToolType, value)


def tool_type_lenient(value: ToolType | str) -> ToolType:
    return _lenient(ToolType, value)


def preset_strict(value: ChatSettingsPreset | str | None) -> ChatSettingsPreset | None:
    return value if _optional(value) else _strict(ChatSettingsPreset, value)  # type: ignore[return-value]


def preset_lenient(value: ChatSettingsPreset | str | None) -> ChatSettingsPreset | None:
    return value if _optional(value) else _lenient(ChatSettingsPreset, value)  # type: ignore[return-value]


def response_format_type(
    value: ChatSettingsResponseFormatType | str | None,
) -> ChatSettingsResponseFormatType | None:
    if _optional(value):
        return value  # type: ignore[return-value]
    return _strict(ChatSettingsResponseFormatType, value)


def image_detail(
    value: ChatMlImageContentPartImageUrlDetail | str | None,
) -> ChatMlImageContentPartImageUrlDetail | None:
    if _optional(value):
        return value  # type: ignore[return-value]
    return _lenient(ChatMlImageContentPartImageUrlDetail, value)
