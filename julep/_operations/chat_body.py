"""Checking chat arguments and building the flat chat body.

The body merges the chat input, the model settings and the memory options
into one JSON object, as the API takes it.
"""

from __future__ import annotations

import typing

from .. import _params as p
from .._shown import shown
from .._types import OMIT, JSONObject
from ..models import ChatSettingsResponseFormat, InputChatMlMessage, NamedToolChoice, Tool
from ..models.enums import ChatSettingsPreset


def _check_logit_bias(name: str, value: object) -> None:
    p.check_object(name, value)
    if isinstance(value, dict):
        for token, bias in value.items():
            # Exactly str: JSON encoding refuses subclasses (enums) as keys.
            if token.__class__ is not str:
                raise TypeError(f"{name} keys must be str token ids, got {shown(token)}")
            p.check_int(f"{name}[{token!r}]", bias)


def _check_stop(name: str, value: object) -> None:
    p.check_str_or_strs(name, value)
    if isinstance(value, (list, tuple)) and not 1 <= len(value) <= 4:
        raise ValueError(f"{name} takes 1 to 4 sequences, got {len(value)}")


# Each plain setting's check, by its key in the body.
_SETTING_CHECKS: dict[str, typing.Callable[[str, object], None]] = {
    "frequency_penalty": p.check_number,
    "length_penalty": p.check_number,
    "logit_bias": _check_logit_bias,
    "max_tokens": p.check_int,
    "presence_penalty": p.check_number,
    "repetition_penalty": p.check_number,
    "seed": p.check_int,
    "stop": _check_stop,
    "stream": p.check_bool,
    "temperature": p.check_number,
    "top_p": p.check_number,
    "min_p": p.check_number,
    "recall": p.check_bool,
    "record": p.check_bool,
    "remember": p.check_bool,
}


def chat_body(
    *,
    messages: object,
    tools: object,
    tool_choice: object,
    response_format: object,
    preset: object,
    settings: dict[str, object],
) -> JSONObject:
    """The JSON body of a chat call, from the call's arguments.

    ``settings`` maps each plain setting (every key of ``_SETTING_CHECKS``)
    to its argument: one dict display in the caller, cheaper on every call
    than twenty keyword arguments. Arguments left out (``OMIT``) are not in
    the body; the rest are checked first.
    """
    if messages is None or messages is OMIT or messages is ...:
        raise TypeError(
            f"messages must be a list of InputChatMlMessage, got {messages!r}"
            + (": it is required and cannot be left out" if messages is not None else "")
        )
    body: JSONObject = {
        "messages": p.models("messages", InputChatMlMessage, messages, non_empty=True)
    }
    if tools is not OMIT and tools is not ...:
        body["tools"] = p.models("tools", Tool, tools)
    if tool_choice is not OMIT and tool_choice is not ...:
        body["tool_choice"] = _tool_choice(tool_choice)
    for name, value in settings.items():
        if value is not OMIT and value is not ...:
            _SETTING_CHECKS[name](name, value)
            body[name] = list(value) if isinstance(value, tuple) else value
    if response_format is not OMIT and response_format is not ...:
        body["response_format"] = p.model(
            "response_format", ChatSettingsResponseFormat, response_format
        )
    if preset is not OMIT and preset is not ...:
        body["preset"] = p.enum_value("preset", ChatSettingsPreset, preset)
    return body


def _tool_choice(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    return p.model("tool_choice", NamedToolChoice, value)
