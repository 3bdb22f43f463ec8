"""Values a user can get wrong: non-finite numbers, bad configuration, models read from the API."""

from __future__ import annotations

import datetime as dt
import typing

import pytest
from aioresponses import aioresponses

import julep
from julep import _params as p
from julep._serde import converter
from julep.client import AsyncJulepApi, JulepApi
from julep.server import LocalServer

from .conftest import API_KEY
from .wire.mock import BASE_URL, respond

# Nothing listens on port 9: a call that got as far as sending fails differently.
NOWHERE = "http://127.0.0.1:9/api"
MESSAGES = [{"role": "user", "content": "hi"}]

NON_FINITE_CALLS: list[tuple[str, tuple[typing.Any, ...], dict[str, typing.Any], str]] = [
    ("chat", ("s",), {"messages": MESSAGES, "temperature": float("nan")}, "temperature"),
    ("chat", ("s",), {"messages": MESSAGES, "top_p": float("inf")}, "top_p"),
    (
        "patch_agent",
        ("a",),
        {"default_settings": {"temperature": float("nan")}},
        "default_settings['temperature']",
    ),
    (
        "create_agent",
        (),
        {"name": "n", "default_settings": julep.AgentDefaultSettings(top_p=float("-inf"))},
        "default_settings.top_p",
    ),
    ("create_agent", (), {"name": "n", "metadata": {"score": float("nan")}}, "metadata"),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "argument"), NON_FINITE_CALLS)
def test_non_finite_numbers_fail_before_sending(
    name: str, args: tuple[typing.Any, ...], kwargs: dict[str, typing.Any], argument: str
) -> None:
    """NaN and infinity would go out as null (clearing a setting): both clients refuse them."""
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match="finite") as sync_error:
            getattr(client, name)(*args, **kwargs)
    assert argument in str(sync_error.value)


@pytest.mark.anyio
@pytest.mark.parametrize(("name", "args", "kwargs", "argument"), NON_FINITE_CALLS)
async def test_non_finite_numbers_fail_before_sending_async(
    name: str, args: tuple[typing.Any, ...], kwargs: dict[str, typing.Any], argument: str
) -> None:
    """The async client gives the same error for the same call."""
    async with AsyncJulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match="finite") as error:
            await getattr(client, name)(*args, **kwargs)
    assert argument in str(error.value)


BAD_SETTINGS: list[tuple[dict[str, typing.Any], str]] = [
    ({"api_key": "sk-line\nX-Injected: 1"}, "control character"),
    ({"api_key": 123}, "api_key must be a str, got int"),
    ({"api_key": API_KEY, "headers": {"X-Tier": 1}}, "headers must map str to str"),
    ({"api_key": API_KEY, "headers": {"X-Tier": "a\r\nb"}}, "control character"),
    ({"api_key": API_KEY, "base_url": "http://me:hunter2@127.0.0.1/api"}, "credentials"),
]


@pytest.mark.parametrize(("settings", "message"), BAD_SETTINGS)
@pytest.mark.parametrize("surface", [JulepApi, AsyncJulepApi])
def test_bad_settings_fail_when_the_client_is_built(
    surface: type[typing.Any], settings: dict[str, typing.Any], message: str
) -> None:
    """A key or header that could not be sent is a ConfigurationError at once, quoting no secret."""
    with pytest.raises(julep.ConfigurationError, match=message) as error:
        surface(**{"base_url": NOWHERE, **settings})
    assert "sk-line" not in str(error.value) and "hunter2" not in str(error.value)


def test_repr_of_a_half_built_client() -> None:
    """Tracebacks rendered with locals show a client whose __init__ failed without crashing."""
    assert repr(AsyncJulepApi.__new__(AsyncJulepApi)) == "AsyncJulepApi(base_url=None)"
    assert repr(JulepApi.__new__(JulepApi)) == "JulepApi(base_url=None)"


@pytest.mark.anyio
async def test_the_key_is_blanked_out_of_an_echoed_error_body() -> None:
    """A server that echoes the request's Authorization in its error puts no key in the error."""
    echoed = {"detail": f"bad request: Authorization: Bearer {API_KEY}"}
    with aioresponses() as mocked:
        respond(mocked, "GET", status=400, payload=echoed)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(julep.BadRequestError) as error:
                await client.get_agent("a1")
    assert API_KEY not in str(error.value)
    assert API_KEY not in str(error.value.body)
    assert "<redacted>" in str(error.value)


def test_models_read_from_the_api_go_back_as_request_models() -> None:
    """History into chat, tools and docs into another agent, a function into a patch: as 0.3.9."""
    with LocalServer() as server, JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        tool = {"type": "function", "function": {"name": "book", "parameters": {"type": "object"}}}
        agent = client.create_agent(
            name="Source", tools=[tool], docs=[{"title": "T", "content": "C"}]
        ).id
        user = client.create_user(name="U").id
        session = client.create_session(agent_id=agent, user_id=user).id
        client.chat(session, messages=MESSAGES)

        history = client.get_history(session).items
        reply = client.chat(session, messages=history, record=False)
        assert reply.response[0][0].content

        tools = client.get_agent_tools(agent).items
        docs = client.get_agent_docs(agent).items
        copy = client.create_agent(name="Copy", tools=tools, docs=docs).id
        assert [t.function.name for t in client.get_agent_tools(copy).items] == ["book"]
        assert [d.title for d in client.get_agent_docs(copy).items] == ["T"]
        client.patch_agent_tool(agent, tools[0].id, function=tools[0].function)


def test_a_response_model_sends_only_the_request_fields() -> None:
    """A ChatMlMessage sent as a message carries role, content and name, not id or created_at."""
    message = julep.ChatMlMessage(
        id="00000000-0000-4000-8000-000000000001",
        role="user",
        content="hi",
        name="Ann",
        created_at=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc),
    )
    (sent,) = typing.cast(
        list[typing.Any], p.models("messages", julep.InputChatMlMessage, [message])
    )
    assert isinstance(sent, julep.InputChatMlMessage)
    assert converter.unstructure(sent) == {
        "role": "user",
        "content": "hi",
        "name": "Ann",
    }


@pytest.mark.parametrize(
    ("tools", "where"),
    [
        ([julep.CreateToolRequest(type="function", function=None)], "tools[0]:"),  # type: ignore[arg-type]
        (
            [
                julep.CreateToolRequest(
                    type="function", function=julep.FunctionDef(name="f", parameters="x")
                )
            ],  # type: ignore[arg-type]
            "tools[0].function:",
        ),
    ],
)
def test_a_body_that_cannot_be_encoded_names_the_field(tools: list[typing.Any], where: str) -> None:
    """A model holding a value of the wrong type fails naming where it sits, before sending."""
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError, match="cannot be sent as JSON") as error:
            client.create_agent(name="n", tools=tools)
    assert str(error.value).startswith(where)
