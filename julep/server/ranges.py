"""The spec's ranges for numbers and list sizes, checked on input and shown in the OpenAPI
document from this one table.

Chat settings and an agent's default settings differ (a chat's temperature is
[0, 2], an agent's [0, 3]), as the spec has them.
"""

from __future__ import annotations

import typing

import attrs

from ..models import AgentDefaultSettings, CreateDoc
from .schemas import ChatRequest

JSONSchema = dict[str, typing.Any]
TOOL_CHOICES = ("none", "auto")


@attrs.frozen
class Range:
    low: float
    high: float
    low_open: bool = False  # the bound itself is outside the range
    high_open: bool = False

    def holds(self, value: float) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below

    def describe(self) -> str:
        opening = "(" if self.low_open else "["
        closing = ")" if self.high_open else "]"
        return f"{opening}{_num(self.low)}, {_num(self.high)}{closing}"

    def schema(self) -> JSONSchema:
        low = "exclusiveMinimum" if self.low_open else "minimum"
        high = "exclusiveMaximum" if self.high_open else "maximum"
        return {low: self.low, high: self.high}


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


_PENALTY = Range(-1, 1)
_FACTOR = Range(0, 2)
_MIN_P = Range(0, 1, high_open=True)
RANGES: dict[type, dict[str, Range]] = {
    ChatRequest: {
        "frequency_penalty": _PENALTY,
        "presence_penalty": _PENALTY,
        "length_penalty": _FACTOR,
        "repetition_penalty": _FACTOR,
        "temperature": Range(0, 2),
        "top_p": Range(0, 1, low_open=True),
        "min_p": _MIN_P,
        "seed": Range(-1, 9999),
    },
    AgentDefaultSettings: {
        "frequency_penalty": Range(-2, 2),
        "presence_penalty": _PENALTY,
        "length_penalty": _FACTOR,
        "repetition_penalty": _FACTOR,
        "temperature": Range(0, 3),
        "top_p": Range(0, 1),
        "min_p": _MIN_P,
    },
}
STOP_ITEMS = (1, 4)


def problems(value: object, path: str = "") -> typing.Iterator[str]:
    """Each field of ``value`` (a structured body) outside the spec's ranges, as a message."""
    for name, allowed in RANGES.get(type(value), {}).items():
        number = getattr(value, name, None)
        if isinstance(number, (int, float)) and not allowed.holds(number):
            yield f"{path}{name}: must be in {allowed.describe()}, got {number}"
    if isinstance(value, ChatRequest):
        yield from _chat_problems(value)
    settings = getattr(value, "default_settings", None)
    if isinstance(settings, AgentDefaultSettings):
        yield from problems(settings, f"{path}default_settings.")
    if isinstance(value, CreateDoc):
        yield from _doc_problems(value, path)
    for index, doc in enumerate(getattr(value, "docs", None) or ()):
        if isinstance(doc, CreateDoc):
            yield from _doc_problems(doc, f"{path}docs[{index}].")


def _doc_problems(doc: CreateDoc, path: str) -> typing.Iterator[str]:
    # The spec's (and the 0.3 server's) content items have minLength 1.
    if isinstance(doc.content, list):
        for index, item in enumerate(doc.content):
            if item == "":
                yield f"{path}content[{index}]: must not be empty"


def _chat_problems(chat: ChatRequest) -> typing.Iterator[str]:
    low, high = STOP_ITEMS
    if isinstance(chat.stop, list) and not low <= len(chat.stop) <= high:
        yield f"stop: expected {low} to {high} strings, got {len(chat.stop)}"
    if isinstance(chat.tool_choice, str) and chat.tool_choice not in TOOL_CHOICES:
        allowed = " or ".join(repr(choice) for choice in TOOL_CHOICES)
        yield f"tool_choice: expected {allowed} or a named function, got {chat.tool_choice!r}"
