"""Agents and their default model settings."""

from __future__ import annotations

import datetime as dt
import typing

import attrs

from .._types import OMIT
from . import _convert
from ._base import FreeformObject, Model, ResponseModel
from .enums import ChatSettingsPreset

AgentInstructions = typing.Union[str, list[str]]
CreateAgentRequestInstructions = AgentInstructions
UpdateAgentRequestInstructions = AgentInstructions
PatchAgentRequestInstructions = AgentInstructions


class AgentMetadata(FreeformObject):
    __slots__ = ()


class CreateAgentRequestMetadata(FreeformObject):
    __slots__ = ()


class UpdateAgentRequestMetadata(FreeformObject):
    __slots__ = ()


class PatchAgentRequestMetadata(FreeformObject):
    __slots__ = ()


@attrs.frozen(kw_only=True)
class AgentDefaultSettings(Model):
    frequency_penalty: float | None = OMIT
    length_penalty: float | None = OMIT
    presence_penalty: float | None = OMIT
    repetition_penalty: float | None = OMIT
    temperature: float | None = OMIT
    top_p: float | None = OMIT
    min_p: float | None = OMIT
    preset: ChatSettingsPreset | None = attrs.field(default=OMIT, converter=_convert.preset_lenient)


@attrs.frozen(kw_only=True)
class Agent(ResponseModel):
    id: str
    name: str
    model: str
    about: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    default_settings: AgentDefaultSettings | None = None
    metadata: dict[str, typing.Any] | None = None
    instructions: AgentInstructions | None = None


@attrs.frozen(kw_only=True)
class ListAgentsResponse(ResponseModel):
    items: list[Agent]
