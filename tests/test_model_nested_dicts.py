"""A dict given for a model field becomes that model, as julep 0.3.9's pydantic models made it.

Code written for 0.3.9 rebuilds models from ``.dict()`` output or JSON
(``Agent(**cached)``) and builds requests with nested dicts
(``CreateToolRequest(type="function", function={...})``), then reads the nested
fields as attributes (``agent.default_settings.temperature``). A dict that does
not fit the model is kept as given, so the request encodes (or refuses) it as before.
"""

from __future__ import annotations

import datetime as dt
import json

import hypothesis
from hypothesis import strategies as st

from julep import models
from julep._serde import converter


def _agent_json(settings: dict[str, float]) -> dict[str, object]:
    return {
        "id": "6f1c2a6e-8f7e-4b6e-9a3c-1d2e3f4a5b6c",
        "name": "A",
        "model": "gpt-4o",
        "about": "ab",
        "created_at": "2024-01-02T03:04:05.123456Z",
        "updated_at": "2024-01-02T03:04:05.123456Z",
        "default_settings": settings,
        "metadata": {"k": "v"},
        "instructions": ["i"],
    }


_settings = st.dictionaries(
    st.sampled_from(["temperature", "top_p", "min_p", "frequency_penalty", "presence_penalty"]),
    st.floats(min_value=0, max_value=1, allow_nan=False),
)


@hypothesis.given(_settings)
def test_agent_rebuilt_from_its_dict_equals_it(settings: dict[str, float]) -> None:
    agent = converter.structure(_agent_json(settings), models.Agent)
    rebuilt = models.Agent(**agent.dict())
    assert rebuilt == agent
    assert isinstance(rebuilt.default_settings, models.AgentDefaultSettings)
    assert rebuilt.default_settings.temperature == settings.get("temperature")
    # Sent back, it writes the same settings keys it was given.
    assert rebuilt.default_settings.to_dict() == agent.default_settings.to_dict()  # type: ignore[union-attr]


@hypothesis.given(_settings)
def test_agent_rebuilt_from_json(settings: dict[str, float]) -> None:
    agent = converter.structure(_agent_json(settings), models.Agent)
    rebuilt = models.Agent(**json.loads(agent.json()))
    assert isinstance(rebuilt.default_settings, models.AgentDefaultSettings)
    assert rebuilt.default_settings == agent.default_settings


def test_nested_dict_in_a_request_model() -> None:
    request = models.CreateToolRequest(
        type="function", function={"name": "n", "description": "d", "parameters": {}}
    )
    assert isinstance(request.function, models.FunctionDef)
    assert request.function.name == "n"
    assert request.to_dict() == {
        "type": "function",
        "function": {"name": "n", "description": "d", "parameters": {}},
    }


def test_list_of_dicts_and_models() -> None:
    tool = converter.structure(
        {"id": "t", "type": "function", "function": {"name": "f", "parameters": {}}}, models.Tool
    )
    response = models.GetAgentToolsResponse(items=[tool.dict(), tool])
    assert response.items == [tool, tool]
    message = {
        "id": "m",
        "role": "user",
        "content": "x",
        "created_at": dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
    }
    history = models.GetHistoryResponse(items=[message])
    assert history.items is not None
    assert isinstance(history.items[0], models.ChatMlMessage)
    assert history.items[0].created_at == message["created_at"]


def test_a_dict_that_does_not_fit_is_kept() -> None:
    request = models.CreateToolRequest(type="function", function={"name": 1, "parameters": {}})
    assert request.function == {"name": 1, "parameters": {}}  # type: ignore[comparison-overlap]


# --- pydantic v1's model methods that 0.3.9 code calls ------------------------


@hypothesis.given(_settings)
def test_iteration_and_dict_of_a_model(settings: dict[str, float]) -> None:
    agent = converter.structure(_agent_json(settings), models.Agent)
    pairs = dict(agent)
    assert list(pairs) == [
        "id", "name", "model", "about", "created_at", "updated_at",
        "default_settings", "metadata", "instructions",
    ]  # fmt: skip
    assert pairs["default_settings"] is agent.default_settings
    message = models.InputChatMlMessage(role="user", content="x", continue_=True)
    assert dict(message) == {
        "role": models.InputChatMlMessageRole.USER,
        "content": "x",
        "name": None,
        "continue_": True,
    }


@hypothesis.given(_settings, st.text(max_size=5))
def test_copy_with_update(settings: dict[str, float], name: str) -> None:
    agent = converter.structure(_agent_json(settings), models.Agent)
    copied = agent.copy(update={"name": name})
    assert type(copied) is models.Agent
    assert copied.name == name and agent.name == "A"
    assert copied.dict(exclude={"name"}) == agent.dict(exclude={"name"})
    deep = agent.copy(deep=True)
    assert deep == agent and deep.metadata is not agent.metadata
    assert agent.copy() == agent


@hypothesis.given(_settings)
def test_parse_obj_and_parse_raw(settings: dict[str, float]) -> None:
    agent = converter.structure(_agent_json(settings), models.Agent)
    assert models.Agent.parse_obj(agent.dict()) == agent
    assert models.Agent.parse_obj(_agent_json(settings)) == agent
    assert models.Agent.parse_raw(agent.json()) == agent
    parsed = models.Agent.parse_raw(agent.json())
    assert parsed.dict() == agent.dict()  # the same fields set


def test_parse_obj_refuses_with_a_value_error() -> None:
    for bad in ({"role": "nobody", "content": "x"}, {"content": "x"}, [1]):
        try:
            models.InputChatMlMessage.parse_obj(bad)
        except ValueError as exc:
            assert "InputChatMlMessage" in str(exc)
        else:
            raise AssertionError(bad)
    try:
        models.InputChatMlMessage.parse_raw("{")
    except ValueError:
        pass
    else:
        raise AssertionError("parse_raw of bad JSON")


def test_an_unknown_key_in_a_nested_dict_is_dropped_with_a_warning() -> None:
    import warnings

    from julep.errors import UnknownFieldWarning

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        request = models.CreateToolRequest(
            type="function", function={"name": "n", "parameters": {}, "descripton": "d"}
        )
        response = models.GetAgentToolsResponse(
            items=[
                {
                    "id": "t",
                    "type": "function",
                    "function": {"name": "f", "parameters": {}},
                    "zz": 1,
                }
            ]
        )
    assert request.to_dict() == {"type": "function", "function": {"name": "n", "parameters": {}}}
    assert response.items is not None and response.items[0].id == "t"
    messages = [str(w.message) for w in caught if w.category is UnknownFieldWarning]
    assert len(messages) == 2, messages
    assert "'descripton'" in messages[0] and "'zz'" in messages[1]
    assert all(w.filename == __file__ for w in caught)  # pointed at the caller


def test_content_parts_and_nested_lists() -> None:
    message = models.InputChatMlMessage(role="user", content=[{"type": "text", "text": "hi"}])
    assert isinstance(message.content, list)
    part = message.content[0]
    assert isinstance(part, models.ChatMlTextContentPart) and part.text == "hi"
    assert message.to_dict() == {"role": "user", "content": [{"type": "text", "text": "hi"}]}
    chat = converter.structure(
        {
            "id": "c",
            "finish_reason": "stop",
            "response": [
                [
                    {
                        "id": "m",
                        "role": "assistant",
                        "content": "x",
                        "created_at": "2024-01-02T03:04:05Z",
                    }
                ]
            ],
            "usage": {"completion_tokens": 1, "prompt_tokens": 1, "total_tokens": 2},
            "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
        },
        models.ChatResponse,
    )
    rebuilt = models.ChatResponse(**chat.dict())
    assert rebuilt == chat
    assert rebuilt.response[0][0].content == "x"
    assert rebuilt.usage.total_tokens == 2  # type: ignore[union-attr]
    # A part of a type this SDK does not know stays a dict, as on decode.
    other = models.InputChatMlMessage(role="user", content=[{"type": "audio", "x": 1}])
    assert other.content == [{"type": "audio", "x": 1}]
