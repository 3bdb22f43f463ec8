"""Responses and the OpenAPI document follow the wire contract
(``/work/shared/spec/julep-api-contract.md``; its facts are transcribed below)."""

from __future__ import annotations

import typing

import aiohttp
import pytest

from julep.server import LocalServer

from .helpers import Api, wait_for_job

pytestmark = pytest.mark.anyio

# Contract 3.2 "Nullability", plus create_session's "user_id O str(uuid)|null" (section 2).
CONTRACT_NULLABLE = {
    ("AgentDefaultSettings", name)
    for name in (
        "frequency_penalty", "length_penalty", "presence_penalty", "repetition_penalty",
        "temperature", "top_p",
    )
} | {
    ("ChatRequest", name)
    for name in (
        "tools", "tool_choice", "frequency_penalty", "length_penalty", "logit_bias", "max_tokens",
        "presence_penalty", "repetition_penalty", "seed", "stop", "stream", "temperature", "top_p",
    )
} | {("CreateSessionRequest", "user_id")}  # fmt: skip
# Contract 3.2 (agent default settings) and 3.8 (chat settings): (low, high, low open, high open).
CONTRACT_RANGES = {
    ("AgentDefaultSettings", "frequency_penalty"): (-2, 2, False, False),
    ("AgentDefaultSettings", "length_penalty"): (0, 2, False, False),
    ("AgentDefaultSettings", "presence_penalty"): (-1, 1, False, False),
    ("AgentDefaultSettings", "repetition_penalty"): (0, 2, False, False),
    ("AgentDefaultSettings", "temperature"): (0, 3, False, False),
    ("AgentDefaultSettings", "top_p"): (0, 1, False, False),
    ("AgentDefaultSettings", "min_p"): (0, 1, False, True),
    ("ChatRequest", "frequency_penalty"): (-1, 1, False, False),
    ("ChatRequest", "length_penalty"): (0, 2, False, False),
    ("ChatRequest", "max_tokens"): (1, 16384, False, False),
    ("ChatRequest", "presence_penalty"): (-1, 1, False, False),
    ("ChatRequest", "repetition_penalty"): (0, 2, False, False),
    ("ChatRequest", "seed"): (-1, 9999, False, False),
    ("ChatRequest", "temperature"): (0, 2, False, False),
    ("ChatRequest", "top_p"): (0, 1, True, False),
    ("ChatRequest", "min_p"): (0, 1, False, True),
}
# Contract 3.2, 3.3, 3.6, 3.7, 3.8: spec defaults.
_SETTINGS_DEFAULTS = {
    "frequency_penalty": 0, "length_penalty": 1, "presence_penalty": 0, "repetition_penalty": 1,
    "temperature": 0.75, "top_p": 1, "min_p": 0.01,
}  # fmt: skip
CONTRACT_DEFAULTS = {
    **{("AgentDefaultSettings", name): value for name, value in _SETTINGS_DEFAULTS.items()},
    **{("ChatRequest", name): value for name, value in _SETTINGS_DEFAULTS.items()},
    ("ChatRequest", "max_tokens"): 200,
    ("ChatRequest", "stream"): False,
    ("ChatRequest", "recall"): True,
    ("ChatRequest", "record"): True,
    ("ChatRequest", "remember"): True,
    ("Agent", "model"): "julep-ai/samantha-1-turbo",
    ("Agent", "about"): "",
    ("User", "name"): "User",
    ("Session", "render_templates"): False,
    ("InputChatMlMessage", "continue"): False,
    ("ChatMlImageContentPartImageUrl", "detail"): "auto",
    ("ChatSettingsResponseFormat", "type"): "text",
    ("JobStatus", "has_progress"): False,
    ("JobStatus", "progress"): 0,
    ("Memory", "sentiment"): 0,
}
FREEFORM = frozenset({"metadata", "parameters", "schema", "entities", "logit_bias"})


def _nulls(value: typing.Any, path: str = "") -> list[str]:
    """Where ``value`` holds a null, outside free-form objects."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [
            found
            for key, item in value.items()
            if key not in FREEFORM
            for found in _nulls(item, f"{path}.{key}")
        ]
    if isinstance(value, list):
        return [
            found for index, item in enumerate(value) for found in _nulls(item, f"{path}[{index}]")
        ]
    return []


async def test_no_response_holds_a_null(api: Api) -> None:
    """Unset optional fields (user_id, situation, description, name, reason...) are left out."""
    agent_id = await api.agent(
        tools=[{"type": "function", "function": {"name": "f", "parameters": {}}}],
        docs=[{"title": "Paris", "content": "Paris is in France"}],
        metadata={"kept": None},
    )
    user_id = await api.user()
    bare = await api.session(agent_id)
    session_id = await api.session(agent_id, user_id)
    chat = await api.chat(session_id, "I went to Lisbon with Ana", remember=True)
    job = await wait_for_job(api, chat.body["jobs"][0])
    replies = [
        chat.body,
        job,
        (await api.get(f"/agents/{agent_id}")).body,
        (await api.get("/agents")).body,
        (await api.get(f"/agents/{agent_id}/tools")).body,
        (await api.get(f"/agents/{agent_id}/docs")).body,
        (await api.get(f"/agents/{agent_id}/memories", params={"query": "Lisbon"})).body,
        (await api.get(f"/users/{user_id}")).body,
        (await api.get(f"/sessions/{bare}")).body,
        (await api.get("/sessions")).body,
        (await api.get(f"/sessions/{session_id}/history")).body,
        (await api.get(f"/sessions/{session_id}/suggestions")).body,
    ]
    assert [found for reply in replies for found in _nulls(reply)] == []
    assert (await api.get(f"/agents/{agent_id}")).body["metadata"] == {"kept": None}
    session = (await api.get(f"/sessions/{bare}")).body
    assert not {"user_id", "situation", "summary", "token_budget"} & session.keys()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", 2.5), ("top_p", 0), ("top_p", 1.01), ("frequency_penalty", 1.5),
        ("presence_penalty", -1.5), ("length_penalty", 2.1), ("repetition_penalty", -0.1),
        ("min_p", 1.0), ("seed", 10_000), ("seed", -2), ("stop", []), ("stop", ["a"] * 5),
        ("tool_choice", "required"),
    ],
)  # fmt: skip
async def test_chat_settings_outside_the_spec_are_422(
    server: LocalServer, api: Api, field: str, value: typing.Any
) -> None:
    """Each chat setting outside the spec's range or enum is a 422 that names it."""
    session_id = await api.session(await api.agent())
    reply = await api.chat(session_id, "hi", **{field: value})
    assert reply.status == 422
    assert reply.body["detail"].startswith(f"{field}: ")
    assert server.count("messages") == 0


async def test_chat_settings_at_the_spec_bounds_are_accepted(api: Api) -> None:
    """The inclusive ends of each range, and the named tool choices, are accepted."""
    session_id = await api.session(await api.agent())
    for settings in (
        {"temperature": 2, "top_p": 1, "frequency_penalty": -1, "min_p": 0, "seed": -1},
        {"temperature": 0, "presence_penalty": 1, "length_penalty": 0, "seed": 9999},
        {"stop": ["a", "b", "c", "d"], "tool_choice": "auto"},
        {"stop": "x", "tool_choice": {"type": "function", "function": {"name": "f"}}},
    ):
        assert (await api.chat(session_id, "hi", **settings)).status == 200, settings


@pytest.mark.parametrize(
    ("field", "value"),
    [("temperature", 3.5), ("top_p", 1.5), ("frequency_penalty", 2.5), ("min_p", 1)],
)
async def test_agent_settings_outside_the_spec_are_422(api: Api, field: str, value: float) -> None:
    """An agent's default settings have the spec's (wider) ranges, checked on create and patch."""
    reply = await api.post("/agents", json={"name": "a", "default_settings": {field: value}})
    assert reply.status == 422
    assert reply.body["detail"].startswith(f"default_settings.{field}: ")
    agent_id = await api.agent(default_settings={"temperature": 3, "frequency_penalty": -2})
    patch = {"default_settings": {field: value}}
    assert (await api.patch(f"/agents/{agent_id}", json=patch)).status == 422


def _properties(schemas: dict[str, typing.Any]) -> typing.Iterator[tuple[str, str, typing.Any]]:
    for name, schema in schemas.items():
        for field, spec in schema.get("properties", {}).items():
            yield name, field, spec


def _admits_null(spec: dict[str, typing.Any]) -> bool:
    return spec.get("type") == "null" or any(_admits_null(arm) for arm in spec.get("anyOf", []))


async def test_openapi_follows_the_contract(api: Api) -> None:
    """Ids are format uuid; null only where the contract allows it; its ranges and defaults."""
    schemas = (await api.get("/openapi.json")).body["components"]["schemas"]
    properties = list(_properties(schemas))
    ids = [(n, f, s) for n, f, s in properties if f == "id" or f.endswith("_id")]
    assert len(ids) >= 15
    assert [(n, f) for n, f, s in ids if s.get("format") != "uuid"] == []
    nullable = {(n, f) for n, f, s in properties if _admits_null(s)}
    assert nullable == CONTRACT_NULLABLE
    for (name, field), (low, high, low_open, high_open) in CONTRACT_RANGES.items():
        spec = schemas[name]["properties"][field]
        assert spec["exclusiveMinimum" if low_open else "minimum"] == low, (name, field)
        assert spec["exclusiveMaximum" if high_open else "maximum"] == high, (name, field)
    for (name, field), default in CONTRACT_DEFAULTS.items():
        assert schemas[name]["properties"][field].get("default") == default, (name, field)
    stop = schemas["ChatRequest"]["properties"]["stop"]
    assert (stop["minItems"], stop["maxItems"]) == (1, 4)
    choice = schemas["ChatRequest"]["properties"]["tool_choice"]["anyOf"][0]
    assert choice == {"type": "string", "enum": ["none", "auto"]}


async def test_openapi_is_reachable_without_a_key_on_a_keyed_server() -> None:
    """The document needs no key (it holds none), so tools can read it."""
    async with LocalServer(api_key="k") as server, aiohttp.ClientSession() as session:
        assert (await Api(session, server.base_url).get("/openapi.json")).status == 200
