"""Function tools an agent may call."""

from __future__ import annotations

import typing

import attrs

from .._types import OMIT
from . import _convert
from ._base import Model, ResponseModel
from ._export import REQUIRED_IN_0_3_9
from .enums import ToolType

FunctionParameters = dict[str, typing.Any]


@attrs.frozen(kw_only=True)
class FunctionDef(Model):
    name: str
    parameters: FunctionParameters
    description: str | None = OMIT


@attrs.frozen(kw_only=True)
class PartialFunctionDef(Model):
    name: str | None = OMIT
    description: str | None = OMIT
    parameters: FunctionParameters | None = OMIT


@attrs.frozen(kw_only=True)
class CreateToolRequest(Model):
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
class NamedToolChoiceFunction(Model):
    name: str


@attrs.frozen(kw_only=True)
class NamedToolChoice(Model):
    function: NamedToolChoiceFunction
    type: typing.Literal["function"] = attrs.field(default="function", metadata=REQUIRED_IN_0_3_9)


@attrs.frozen(kw_only=True)
class FunctionCallOption(Model):
    name: str


ToolChoiceOption = str
ChatInputDataToolChoice = typing.Union[ToolChoiceOption, NamedToolChoice]
