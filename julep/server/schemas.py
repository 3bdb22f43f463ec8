"""Request bodies, as attrs classes read with the SDK's one converter.

A field that is absent and a field that is ``null`` both read as ``None``:
for PATCH that means "leave unchanged", for PUT and create "use the default".
julep 0.3.9's wrapper sends explicit nulls for every argument it was not
given (``"user_id": null``, ``"metadata": null``, ``"token_budget": null``),
so every optional field here accepts ``null``. Nested shapes reuse the SDK's
own models (``CreateDoc``, ``CreateToolRequest``, ``InputChatMlMessage``...).
"""

from __future__ import annotations

import typing

import attrs

from ..models import (
    AgentDefaultSettings,
    AgentInstructions,
    ChatInputDataToolChoice,
    ChatSettingsResponseFormat,
    ChatSettingsStop,
    CreateDoc,
    CreateToolRequest,
    FunctionDef,
    InputChatMlMessage,
    PartialFunctionDef,
    Tool,
    _convert,
)
from ..models.enums import ChatSettingsPreset, ToolType

JSONObject = dict[str, typing.Any]
MAX_TOKENS_LIMIT = 16384
MAX_TOKEN_BUDGET = 2**63 - 1  # SQLite's largest integer


def _non_empty(_: object, attribute: typing.Any, value: typing.Any) -> None:
    if not value:
        raise ValueError(f"{attribute.name}: must hold at least one item")


def _max_tokens(_: object, attribute: typing.Any, value: typing.Any) -> None:
    if value is not None and not 1 <= value <= MAX_TOKENS_LIMIT:
        raise ValueError(f"{attribute.name}: must be between 1 and {MAX_TOKENS_LIMIT}, got {value}")


def _token_budget(_: object, attribute: typing.Any, value: typing.Any) -> None:
    if value is not None and not 0 <= value <= MAX_TOKEN_BUDGET:
        raise ValueError(f"{attribute.name}: must be between 0 and {MAX_TOKEN_BUDGET}, got {value}")


@attrs.frozen(kw_only=True)
class CreateAgentRequest:
    name: str
    about: str | None = None
    tools: list[CreateToolRequest] | None = None
    default_settings: AgentDefaultSettings | None = None
    model: str | None = None
    docs: list[CreateDoc] | None = None
    metadata: JSONObject | None = None
    instructions: AgentInstructions | None = None


@attrs.frozen(kw_only=True)
class UpdateAgentRequest:
    about: str
    name: str
    model: str | None = None
    default_settings: AgentDefaultSettings | None = None
    metadata: JSONObject | None = None
    instructions: AgentInstructions | None = None


@attrs.frozen(kw_only=True)
class PatchAgentRequest:
    about: str | None = None
    name: str | None = None
    model: str | None = None
    default_settings: AgentDefaultSettings | None = None
    metadata: JSONObject | None = None
    instructions: AgentInstructions | None = None


@attrs.frozen(kw_only=True)
class CreateUserRequest:
    name: str | None = None
    about: str | None = None
    docs: list[CreateDoc] | None = None
    metadata: JSONObject | None = None


@attrs.frozen(kw_only=True)
class UpdateUserRequest:
    about: str
    name: str
    metadata: JSONObject | None = None


@attrs.frozen(kw_only=True)
class PatchUserRequest:
    about: str | None = None
    name: str | None = None
    metadata: JSONObject | None = None


@attrs.frozen(kw_only=True)
class CreateSessionRequest:
    agent_id: str
    user_id: str | None = None
    situation: str | None = None
    metadata: JSONObject | None = None
    render_templates: bool | None = None
    token_budget: int | None = attrs.field(default=None, validator=_token_budget)
    context_overflow: str | None = None


@attrs.frozen(kw_only=True)
class UpdateSessionRequest:
    situation: str
    metadata: JSONObject | None = None
    token_budget: int | None = attrs.field(default=None, validator=_token_budget)
    context_overflow: str | None = None


@attrs.frozen(kw_only=True)
class PatchSessionRequest:
    situation: str | None = None
    metadata: JSONObject | None = None
    token_budget: int | None = attrs.field(default=None, validator=_token_budget)
    context_overflow: str | None = None


@attrs.frozen(kw_only=True)
class CreateToolBody:
    """``POST /agents/{id}/tools``: the whole body is a CreateToolRequest."""

    type: ToolType = attrs.field(converter=_convert.tool_type_strict)
    function: FunctionDef


@attrs.frozen(kw_only=True)
class UpdateToolRequest:
    function: FunctionDef


@attrs.frozen(kw_only=True)
class PatchToolRequest:
    function: PartialFunctionDef


@attrs.frozen(kw_only=True)
class ChatRequest:
    """The flat chat body: input data, model settings and memory options in one object."""

    messages: list[InputChatMlMessage] = attrs.field(validator=_non_empty)
    # Tool function names are any string, as the 0.3 server took them (its
    # "a-z, A-Z, 0-9, _ and -, at most 64" was a description, never checked).
    tools: list[Tool] | None = None
    tool_choice: ChatInputDataToolChoice | None = None
    frequency_penalty: float | None = None
    length_penalty: float | None = None
    logit_bias: dict[str, int | None] | None = None
    max_tokens: int | None = attrs.field(default=None, validator=_max_tokens)
    presence_penalty: float | None = None
    repetition_penalty: float | None = None
    response_format: ChatSettingsResponseFormat | None = None
    seed: int | None = None
    stop: ChatSettingsStop = None
    stream: bool | None = None
    temperature: float | None = None
    top_p: float | None = None
    min_p: float | None = None
    preset: ChatSettingsPreset | None = attrs.field(default=None, converter=_convert.preset_strict)
    recall: bool | None = None
    record: bool | None = None
    remember: bool | None = None
