"""Checking chat arguments and building the flat chat body.

The body merges the chat input, the model settings and the memory options
into one JSON object, as the API takes it.
"""

from __future__ import annotations

import typing

from .. import _params as p
from .._types import OMIT, JSONObject
from ..models import ChatSettingsResponseFormat, InputChatMlMessage, NamedToolChoice, Tool
from ..models.enums import ChatSettingsPreset


def _check_logit_bias(name: str, value: object) -> None:
    p.check_object(name, value)
    if isinstance(value, dict):
        for token, bias in value.items():
            if not isinstance(token, str):
                raise TypeError(f"{name} keys must be str token ids, got {token!r}")
            p.check_int(f"{name}[{token!r}]", bias)


def _check_stop(name: str, value: object) -> None:
    p.check_str_or_strs(name, value)
    if isinstance(value, (list, tuple)) and len(value) > 4:
        raise ValueError(f"{name} takes at most 4 sequences, got {len(value)}")


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


def chat_body(arguments: dict[str, typing.Any]) -> JSONObject:
    """The JSON body of a chat call, from the call's arguments (its ``locals()``).

    Arguments left out are not in the body; the rest are checked first.
    """
    messages = arguments["messages"]
    if messages is None:
        raise TypeError("messages must be a list of InputChatMlMessage, got None")
    body: JSONObject = {
        "messages": p.models("messages", InputChatMlMessage, messages, non_empty=True)
    }
    tools = arguments["tools"]
    if tools is not OMIT:
        body["tools"] = p.models("tools", Tool, tools)
    tool_choice = arguments["tool_choice"]
    if tool_choice is not OMIT:
        body["tool_choice"] = _tool_choice(tool_choice)
    for name, check in _SETTING_CHECKS.items():
        value = arguments[name]
        if value is not OMIT:
            check(name, value)
            body[name] = list(value) if isinstance(value, tuple) else value
    response_format = arguments["response_format"]
    if response_format is not OMIT:
        body["response_format"] = p.model(
            "response_format", ChatSettingsResponseFormat, response_format
        )
    preset = arguments["preset"]
    if preset is not OMIT:
        body["preset"] = p.enum_value("preset", ChatSettingsPreset, preset)
    return body


def _tool_choice(value: object) -> object:
    if value is None or isinstance(value, str):
        return value
    return p.model("tool_choice", NamedToolChoice, value)
