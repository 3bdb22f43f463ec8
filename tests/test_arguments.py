"""Bad arguments fail before any request, naming the argument and what was wrong."""

from __future__ import annotations

import asyncio
import collections
import collections.abc
import typing

import hypothesis
import hypothesis.strategies as st
import pytest
from aioresponses import aioresponses

import julep
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, SentRequest, respond, sent
from .wire.samples import AGENT, AGENT_ID, CHAT_RESPONSE, CREATED, SESSION_ID

BAD_CALLS: list[tuple[str, dict[str, typing.Any], type[Exception], str]] = [
    ("get_agent", {"agent_id": ""}, ValueError, "agent_id must be a non-empty id"),
    ("get_agent", {"agent_id": "  "}, ValueError, "agent_id must be a non-empty id"),
    ("get_agent", {"agent_id": None}, TypeError, "agent_id must be a str, got NoneType"),
    ("get_agent", {"agent_id": 42}, TypeError, "agent_id must be a str, got int"),
    ("delete_agent_doc", {"agent_id": AGENT_ID, "doc_id": ""}, ValueError, "doc_id"),
    ("create_agent", {"name": 5}, TypeError, "name must be a str, got int"),
    ("create_agent", {"name": "n", "instructions": [1]}, TypeError, "instructions must be a str"),
    ("create_agent", {"name": "n", "metadata": "x"}, TypeError, "metadata must be a dict"),
    (
        "create_agent",
        {"name": "n", "tools": [1]},
        TypeError,
        "tools[0] must be a CreateToolRequest",
    ),
    ("create_agent", {"name": "n", "docs": "doc"}, TypeError, "docs must be a list of CreateDoc"),
    (
        "create_agent",
        {"name": "n", "default_settings": 0.5},
        TypeError,
        "default_settings must be an AgentDefaultSettings",
    ),
    ("update_agent", {"agent_id": AGENT_ID, "about": None, "name": "n"}, TypeError, "about"),
    ("list_agents", {"limit": "10"}, TypeError, "limit must be an int"),
    ("list_agents", {"limit": 0}, ValueError, "limit must be >= 1"),
    ("list_agents", {"offset": -1}, ValueError, "offset must be >= 0"),
    ("list_agents", {"limit": True}, TypeError, "limit must be an int"),
    ("list_agents", {"sort_by": "name"}, ValueError, "sort_by: expected one of"),
    ("list_users", {"order": "up"}, ValueError, "order: expected one of 'asc', 'desc'"),
    ("list_sessions", {"metadata_filter": "{bad"}, ValueError, "metadata_filter is not valid JSON"),
    ("list_sessions", {"metadata_filter": "[1]"}, ValueError, "must be a JSON object"),
    ("create_session", {"agent_id": ""}, ValueError, "agent_id"),
    ("create_session", {"agent_id": AGENT_ID, "user_id": 7}, TypeError, "user_id"),
    ("chat", {"session_id": SESSION_ID, "messages": []}, ValueError, "messages must not be empty"),
    ("chat", {"session_id": SESSION_ID, "messages": None}, TypeError, "messages"),
    ("chat", {"session_id": SESSION_ID, "messages": ["hi"]}, TypeError, "messages[0] must be"),
    (
        "chat",
        {"session_id": SESSION_ID, "messages": [{"role": "user", "content": "x"}], "preset": "x"},
        ValueError,
        "preset: expected one of",
    ),
    (
        "chat",
        {"session_id": SESSION_ID, "messages": [{"role": "user", "content": "x"}], "seed": 1.5},
        TypeError,
        "seed must be an int",
    ),
    (
        "chat",
        {
            "session_id": SESSION_ID,
            "messages": [{"role": "user", "content": "x"}],
            "stop": list("abcde"),
        },
        ValueError,
        "stop takes 1 to 4",
    ),
    (
        "chat",
        {"session_id": SESSION_ID, "messages": [{"role": "user", "content": "x"}], "recall": "yes"},
        TypeError,
        "recall must be a bool",
    ),
    ("create_agent_doc", {"agent_id": AGENT_ID, "request": None}, TypeError, "request must be"),
    (
        "update_agent_tool",
        {"agent_id": AGENT_ID, "tool_id": "t", "function": "f"},
        TypeError,
        "function must be a FunctionDef",
    ),
    ("get_agent_memories", {"agent_id": AGENT_ID, "query": 3}, TypeError, "query must be a str"),
]


@pytest.mark.parametrize(
    ("operation", "kwargs", "error", "message"),
    BAD_CALLS,
    ids=[f"{call[0]}-{index}" for index, call in enumerate(BAD_CALLS)],
)
@pytest.mark.anyio
async def test_bad_argument_fails_before_the_request(
    operation: str, kwargs: dict[str, typing.Any], error: type[Exception], message: str
) -> None:
    """The error names the argument, and nothing is sent."""
    with aioresponses() as mock:
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(error) as caught:
                await getattr(client, operation)(**kwargs)
        assert sent(mock) == []
    assert message in str(caught.value)


def test_models_check_their_enum_fields() -> None:
    """A request model refuses an unknown role at construction, naming the choices."""
    with pytest.raises(ValueError, match="expected one of 'user'"):
        julep.InputChatMlMessage(role="usr", content="x")
    assert (
        julep.InputChatMlMessage(role="user", content="x").role is julep.InputChatMlMessageRole.USER
    )


@pytest.mark.anyio
async def test_ids_are_escaped_in_the_path() -> None:
    """An id with a slash or '?' cannot change the route."""
    with aioresponses() as mock:
        respond(mock, "GET", payload=AGENT)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            await client.get_agent("a/b?c=d")
        (request,) = sent(mock)
    # One path segment: the slash and the question mark stay escaped.
    assert request.url.raw_path.startswith("/api/agents/a%2Fb%3Fc")
    assert request.url.path == "/api/agents/a/b?c=d"
    assert request.query == {}


@pytest.mark.anyio
async def test_metadata_round_trips_both_ways() -> None:
    """Metadata sent in a model argument arrives intact, and comes back intact (0.3.9 lost it)."""
    metadata = {"team": "core", "nested": {"list": [1, 2], "none": None}}
    with aioresponses() as mock:
        respond(mock, "POST", status=201, payload=CREATED)
        respond(mock, "GET", payload={**AGENT, "metadata": metadata})
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            await client.create_agent(
                name="n", docs=[julep.CreateDoc(title="t", content="c", metadata=metadata)]
            )
            agent = await client.get_agent(AGENT_ID)
        create, _ = sent(mock)
    assert create.json()["docs"][0]["metadata"] == metadata
    assert agent.metadata == metadata


@pytest.mark.anyio
async def test_unknown_fields_and_enum_values_are_tolerated() -> None:
    """A server that adds fields or enum values breaks nothing."""
    reply = {
        **CHAT_RESPONSE,
        "finish_reason": "safety",
        "new_field": {"x": 1},
        "response": [[{**CHAT_RESPONSE["response"][0][0], "role": "tool", "extra": True}]],
    }
    with aioresponses() as mock:
        respond(mock, "POST", payload=reply)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            result = await client.chat(SESSION_ID, messages=[{"role": "user", "content": "x"}])
    assert result.finish_reason == "safety"
    assert isinstance(result.finish_reason, julep.ChatResponseFinishReason)
    assert result.response[0][0].role == "tool"


class _OwnSequence(collections.abc.Sequence[typing.Any]):
    """A caller's own Sequence: the type the list arguments are annotated with."""

    def __init__(self, items: list[typing.Any]) -> None:
        self._items = items

    @typing.overload
    def __getitem__(self, index: int) -> typing.Any: ...
    @typing.overload
    def __getitem__(self, index: slice) -> list[typing.Any]: ...
    def __getitem__(self, index: int | slice) -> typing.Any:
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)


_SEQUENCES: dict[str, typing.Callable[[list[typing.Any]], typing.Sequence[typing.Any]]] = {
    "list": list,
    "tuple": tuple,
    "UserList": collections.UserList,
    "deque": collections.deque,
    "own": _OwnSequence,
}


@hypothesis.settings(max_examples=20, deadline=None)
@hypothesis.given(
    kind=st.sampled_from(sorted(_SEQUENCES)),
    texts=st.lists(st.text(max_size=5), min_size=1, max_size=3),
)
def test_any_sequence_is_taken_where_the_signature_says_sequence(
    kind: str, texts: list[str]
) -> None:
    """messages=, tools= and docs= are typing.Sequence: a UserList, a deque or one's own
    Sequence goes out as the list it holds (only a list or a tuple did)."""
    messages = [{"role": "user", "content": text} for text in texts]
    docs = [julep.CreateDoc(title=text, content="c") for text in texts]
    make = _SEQUENCES[kind]

    async def main() -> list[SentRequest]:
        with aioresponses() as mock:
            respond(mock, "POST", payload=CHAT_RESPONSE)
            respond(mock, "POST", status=201, payload=CREATED)
            async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
                await client.chat(SESSION_ID, messages=make(messages), tools=make([]))
                await client.create_agent(name="n", docs=make(docs), tools=make([]))
            return sent(mock)

    chat, create = asyncio.run(main())
    assert chat.json()["messages"] == messages
    assert [doc["title"] for doc in create.json()["docs"]] == texts


@pytest.mark.parametrize("value", ["hi", b"hi", {"role": "user"}, {1, 2}, iter([])])
def test_what_is_no_sequence_of_messages_is_refused(value: object) -> None:
    """A str, bytes, a dict, a set or an iterator is no list of messages."""
    with julep.JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(
            TypeError, match=r"^messages must be a list of InputChatMlMessage, got "
        ):
            client.chat(SESSION_ID, messages=value)  # type: ignore[arg-type]
