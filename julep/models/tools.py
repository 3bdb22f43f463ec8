"""Function tools an agent may call."""

from __future__ import annotations

import typing

import attrs

from .._types import OMIT
from . import _convert
from ._base import ResponseModel
from .enums import ToolType

FunctionParameters = dict[str, typing.Any]


@attrs.frozen(kw_only=True)
class FunctionDef:
    name: str
    parameters: FunctionParameters
    description: str | None = OMIT


@attrs.frozen(kw_only=True)
class PartialFunctionDef:
    name: str | None = OMIT
    description: str | None = OMIT
    parameters: FunctionParameters | None = OMIT


@attrs.frozen(kw_only=True)
class CreateToolRequest:
    type: ToolType = attrs.field(converter=_convert.tool_type_strict)
    function: FunctionDef


@attrs.frozen(kw_only=True)
class Tool(ResponseModel):
    id: str
    type: ToolType = attrs.field(converter=_convert.tool_type_lenient)
    function: FunctionDef


@attrs.frozen(kw_only=True)
class GetAgentToolsResponse(ResponseModel):
    items: list[Tool] | None = None


@attrs.frozen(kw_only=True)
class NamedToolChoiceFunction:
    name: str


@attrs.frozen(kw_only=True)
class NamedToolChoice:
    function: NamedToolChoiceFunction
    type: typing.Literal["function"] = "function"


@attrs.frozen(kw_only=True)
class FunctionCallOption:
    name: str


ToolChoiceOption = str
ChatInputDataToolChoice = typing.Union[ToolChoiceOption, NamedToolChoice]
