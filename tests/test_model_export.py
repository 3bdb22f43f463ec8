"""Models export as julep 0.3.9's .dict()/.json() did, and JSON-safe through to_dict()/to_json()."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import subprocess
import typing

import attrs
import pytest

import julep
from julep._serde import converter
from julep.models._base import ResponseInfo

from .wire.samples import AGENT, CHAT_RESPONSE, SESSION, TOOL

AGENT_JSON = {**AGENT, "default_settings": {"temperature": 0.5, "top_p": None}}


def _agent() -> julep.Agent:
    return converter.structure(AGENT_JSON, julep.Agent)


def test_dict_has_wire_names_and_only_the_fields_set() -> None:
    """.dict() gives what was received: wire names, unset fields left out, Python values."""
    data = _agent().dict()
    assert data["default_settings"] == {"temperature": 0.5, "top_p": None}
    assert data["created_at"] == dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)
    assert set(data) == set(AGENT_JSON)
    message = julep.InputChatMlMessage(role="user", content="x", continue_=True)
    assert message.dict() == {
        "role": julep.InputChatMlMessageRole.USER,
        "content": "x",
        "continue": True,
    }
    assert message.dict(by_alias=False)["continue_"] is True
    assert julep.ChatSettingsResponseFormat(schema_={"a": 1}).dict() == {"schema": {"a": 1}}


def test_dict_takes_pydantic_v1_keyword_arguments() -> None:
    """exclude_unset, exclude_none, exclude_defaults, include and exclude work as in pydantic v1."""
    agent = _agent()
    everything = agent.dict(exclude_unset=False)
    assert set(everything) == {f.name for f in attrs.fields(julep.Agent)} - {
        "_present",
        "response_info",
    }
    assert everything["default_settings"]["preset"] is None
    assert agent.dict(exclude_none=True)["default_settings"] == {"temperature": 0.5}
    assert agent.dict(skip_defaults=False) == everything
    assert agent.dict(include={"id", "default_settings"}) == {
        "id": AGENT["id"],
        "default_settings": {"temperature": 0.5, "top_p": None},
    }
    assert agent.dict(include={"default_settings": {"temperature"}, "instructions": {1}}) == {
        "default_settings": {"temperature": 0.5},
        "instructions": ["Be kind."],
    }
    assert "default_settings" not in agent.dict(exclude={"default_settings"})
    assert agent.dict(exclude={"default_settings": {"top_p"}, "id": ...})["default_settings"] == {
        "temperature": 0.5
    }
    settings = julep.ChatSettings(max_tokens=None, temperature=0.5, stream=False)
    assert settings.dict(exclude_defaults=True) == {"temperature": 0.5, "stream": False}
    with pytest.raises(TypeError, match="unexpected keyword argument 'foo'"):
        agent.dict(foo=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="include must be a set of field names or a dict"):
        agent.dict(include=["id"])  # type: ignore[arg-type]


def test_json_is_dict_as_text_and_takes_json_dumps_arguments() -> None:
    """.json() is .dict() as JSON text; indent and sort_keys reach json.dumps."""
    agent = _agent()
    assert json.loads(agent.json()) == agent.to_dict()
    assert agent.json(indent=2, sort_keys=True).startswith('{\n  "about": ')
    assert json.loads(agent.json(include={"id"})) == {"id": AGENT["id"]}


def test_to_dict_is_json_safe_and_never_holds_response_info() -> None:
    """to_dict() has RFC 3339 strings and enum values; json.dumps takes it as it is."""
    response = converter.structure(CHAT_RESPONSE, julep.ChatResponse)
    object.__setattr__(
        response,
        "response_info",
        ResponseInfo(status_code=200, request_id="r", retries_taken=0, elapsed=0.1),
    )
    data = response.to_dict()
    assert data == CHAT_RESPONSE | {
        "response": [
            [{**CHAT_RESPONSE["response"][0][0], "created_at": "2024-05-01T12:00:00+00:00"}]
        ]
    }
    assert "response_info" not in response.to_dict(exclude_unset=False)
    assert json.loads(json.dumps(data)) == data
    assert json.loads(response.to_json()) == data
    naive = julep.ChatMlMessage(
        id="m", role="user", content="x", created_at=dt.datetime(2024, 1, 1)
    )
    assert naive.to_dict()["created_at"] == "2024-01-01T00:00:00+00:00"
    assert naive.to_dict()["role"] == "user" and type(naive.to_dict()["role"]) is str


def test_to_dict_round_trips_through_the_converter() -> None:
    """Decoding to_dict() of a decoded model gives an equal model that encodes the same."""
    for payload, cls in [(AGENT_JSON, julep.Agent), (SESSION, julep.Session), (TOOL, julep.Tool)]:
        model = converter.structure(payload, cls)
        again = converter.structure(model.to_dict(), cls)
        assert again == model
        assert again.to_json() == model.to_json()


# --- the same calls on julep 0.3.9 -------------------------------------------

_PAYLOADS: list[tuple[str, dict[str, typing.Any]]] = [
    ("Tool", {**TOOL, "function": {"name": "f", "parameters": {"type": "object"}}}),
    (
        "ChatMlMessage",
        {
            "id": "m",
            "role": "user",
            "content": [
                {"type": "text", "text": "hi"},
                {"type": "image_url", "image_url": {"url": "u"}},
            ],
            "created_at": "2024-05-01T12:00:00.5+02:00",
        },
    ),
    (
        "Session",
        {"id": "s", "agent_id": "a", "summary": None, "created_at": "2024-05-01T12:00:00Z"},
    ),
    ("AgentDefaultSettings", {"temperature": 0.5, "top_p": None}),
    ("InputChatMlMessage", {"role": "user", "content": "x", "continue": True}),
    (
        "ChatResponse",
        {
            "id": "c",
            "finish_reason": "stop",
            "response": [],
            "usage": {"completion_tokens": 0, "prompt_tokens": 0, "total_tokens": 0},
            "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
        },
    ),
]
_KWARGS: list[dict[str, typing.Any]] = [
    {},
    {"exclude_unset": False},
    {"by_alias": False},
    {"exclude_none": True},
    {"exclude_unset": False, "exclude_none": True},
    {"exclude_defaults": True},
    {"exclude_unset": False, "exclude_defaults": True},
]
_DRIVER = """
import json, sys
from julep.api import types
cases, kwargs = json.loads(sys.stdin.read())
print(json.dumps([[json.loads(getattr(types, name).parse_obj(payload).json(**kw)) for kw in kwargs]
                  for name, payload in cases]))
"""


def _normalized(value: typing.Any) -> typing.Any:
    """Datetime strings as datetimes: 0.3.9 wrote UTC as Z, this SDK writes +00:00."""
    if isinstance(value, dict):
        return {key: _normalized(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalized(item) for item in value]
    if isinstance(value, str) and value[:4].isdigit() and "T" in value:
        return converter.structure(value, dt.datetime)
    return value


@pytest.mark.compat039
def test_dict_and_json_match_julep_039(tmp_path: pathlib.Path) -> None:
    """For each model and keyword set, .json() carries the same data as julep 0.3.9's."""
    python = os.environ.get("JULEP039_PYTHON")
    if not python:
        pytest.skip("set JULEP039_PYTHON to the python of a julep 0.3.9 virtualenv (CI does)")
    result = subprocess.run(
        [python, "-c", _DRIVER],
        input=json.dumps([_PAYLOADS, _KWARGS]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": os.environ.get("PATH", "")},
        cwd=tmp_path,  # not the checkout, whose julep/ would shadow 0.3.9's
    )
    assert result.returncode == 0, result.stderr[-3000:]
    theirs = json.loads(result.stdout)
    ours = [
        [
            json.loads(converter.structure(payload, getattr(julep, name)).json(**kw))
            for kw in _KWARGS
        ]
        for name, payload in _PAYLOADS
    ]
    assert _normalized(ours) == _normalized(theirs)


def test_exclude_defaults_keeps_the_fields_julep_039_required() -> None:
    """exclude_defaults keeps a content part's type and doc_ids: julep 0.3.9 required them."""
    message = converter.structure(
        {
            "id": "m",
            "role": "user",
            "content": [{"type": "text", "text": "hi"}],
            "created_at": "2024-05-01T12:00:00Z",
        },
        julep.ChatMlMessage,
    )
    assert message.dict(exclude_defaults=True)["content"] == [{"type": "text", "text": "hi"}]
    reply = converter.structure(
        {
            "id": "c",
            "finish_reason": "stop",
            "response": [],
            "usage": {"completion_tokens": 0, "prompt_tokens": 0, "total_tokens": 0},
            "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
        },
        julep.ChatResponse,
    )
    assert reply.dict(exclude_defaults=True)["doc_ids"] == {"agent_doc_ids": [], "user_doc_ids": []}
    choice = julep.NamedToolChoice(function=julep.NamedToolChoiceFunction(name="f"))
    assert choice.dict(exclude_defaults=True) == {"function": {"name": "f"}, "type": "function"}
