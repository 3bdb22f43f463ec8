"""Values a user can get wrong: non-finite numbers, bad configuration, models read from the API."""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import typing

import attrs
import hypothesis
import pytest
from aioresponses import aioresponses
from hypothesis import given
from hypothesis import strategies as st

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
    # An int past a float's range: the API reads every number setting as a float.
    ("chat", ("s",), {"messages": MESSAGES, "temperature": 10**400}, "temperature"),
    ("chat", ("s",), {"messages": MESSAGES, "min_p": -(2**1024)}, "min_p"),
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


def _contains_itself() -> dict[str, typing.Any]:
    message: dict[str, typing.Any] = {"role": "user", "content": "hi"}
    message["self"] = message
    return message


def _nested(depth: int) -> object:
    value: object = 1.0
    for _ in range(depth):
        value = [value]
    return value


BAD_CALLS: list[tuple[str, dict[str, typing.Any], type[Exception], str]] = [
    (
        "chat",
        {"messages": [_contains_itself()]},
        ValueError,
        "messages[0] is nested too deeply, or contains itself",
    ),
    (
        "chat",
        {"messages": [{"role": "user", "content": "x", "v": _nested(5000)}]},
        ValueError,
        "messages[0] is nested too deeply, or contains itself",
    ),
    (
        "chat",
        {"messages": MESSAGES, "logit_bias": {julep.ChatSettingsPreset.FUN: 1}},
        TypeError,
        "logit_bias keys must be str token ids",
    ),
]


@pytest.mark.parametrize(("name", "kwargs", "error", "message"), BAD_CALLS)
def test_arguments_json_cannot_carry_fail_before_sending(
    name: str, kwargs: dict[str, typing.Any], error: type[Exception], message: str
) -> None:
    """A self-containing or too deep value, an enum as a JSON key: the argument is named,
    by both clients alike, and nothing is sent."""
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(error) as sync_error:
            getattr(client, name)("s", **kwargs)
    assert str(sync_error.value).startswith(message)

    async def call() -> None:
        async with AsyncJulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
            await getattr(client, name)("s", **kwargs)

    with pytest.raises(error) as async_error:
        asyncio.run(call())
    assert str(async_error.value) == str(sync_error.value)


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


@given(
    key=st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=7),
    words=st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=1), max_size=8),
    echoed=st.booleans(),
)
def test_a_short_key_is_blanked_only_where_it_stands_alone(
    key: str, words: list[str], echoed: bool
) -> None:
    """A key under 8 characters (a dev-mode "dev-key") is blanked where it stands as a word
    of an error body, and nowhere else: words and JSON keys holding it stay as sent (blanking
    "a" rewrote {'detail': ...} to {'det<redacted>il': ...}). Under 4 characters it hides
    nothing and is left alone."""
    hypothesis.assume(key not in ("detail", "status"))
    if echoed:
        words = [*words, key]
    sent = {"detail": " ".join(words), "status": "not found"}

    async def call() -> julep.APIStatusError:
        with aioresponses() as mocked:
            respond(mocked, "GET", status=404, payload=sent)
            async with AsyncJulepApi(api_key=key, base_url=BASE_URL, max_retries=0) as client:
                with pytest.raises(julep.NotFoundError) as error:
                    await client.get_agent("a1")
        return error.value

    error = asyncio.run(call())
    hidden = len(key) >= 4
    expected = [("<redacted>" if hidden and word == key else word) for word in words]
    assert error.body == {"detail": " ".join(expected), "status": "not found"}
    if hidden:
        assert key not in str(error).replace("<redacted>", " ").split()


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
        (
            [julep.CreateToolRequest(type="function", function=None)],  # type: ignore[arg-type]
            "tools[0].function: NoneType cannot be sent as JSON where a FunctionDef goes",
        ),
        (
            [
                julep.CreateToolRequest(
                    type="function", function=julep.FunctionDef(name="f", parameters="x")
                )
            ],  # type: ignore[arg-type]
            "tools[0].function.parameters: expected an object, got string",
        ),
    ],
)
def test_a_body_that_cannot_be_encoded_names_the_field(tools: list[typing.Any], where: str) -> None:
    """A model field of the wrong type fails before sending, naming the field and what it takes."""
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError) as error:
            client.create_agent(name="n", tools=tools)
    assert str(error.value).startswith(where)


# --- the NaN scan against a plain walk -----------------------------------------

_LEAVES = st.one_of(
    st.text(max_size=3),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=False, allow_infinity=False),
    # Drawn as often as any other leaf: st.floats() alone rarely gives them.
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.sampled_from([julep.ChatMlMessageRole.USER, dt.datetime(2024, 1, 1)]),
)
_VALUES = st.recursive(
    _LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=2), inner, max_size=3),
        st.builds(
            julep.AgentDefaultSettings,
            temperature=st.sampled_from([0.5, 1, math.nan, math.inf]),
            top_p=st.none(),
        ),
        st.builds(julep.InputChatMlMessage, role=st.just("user"), content=st.text(max_size=3)),
    ),
    max_leaves=10,
)


def _first_non_finite(name: str, value: object) -> str | None:
    """Where the first NaN or infinity sits, by the obvious depth-first walk."""
    if isinstance(value, float):
        return None if math.isfinite(value) else name
    items: typing.Iterable[tuple[str, object]] = ()
    if isinstance(value, dict):
        items = ((f"{name}[{key!r}]", item) for key, item in value.items())
    elif isinstance(value, (list, tuple)):
        items = ((f"{name}[{index}]", item) for index, item in enumerate(value))
    elif isinstance(value, (julep.AgentDefaultSettings, julep.InputChatMlMessage)):
        items = (
            (f"{name}.{field.name}", getattr(value, field.name))
            for field in attrs.fields(type(value))
            if not field.name.startswith("_") and field.name != "response_info"
        )
    for path, item in items:
        found = _first_non_finite(path, item)
        if found is not None:
            return found
    return None


@given(_VALUES)
def test_the_nan_scan_names_what_a_plain_walk_finds(value: object) -> None:
    """The fast scan refuses exactly the values holding NaN or infinity, and the
    error names the same place a plain depth-first walk reaches first."""
    where = _first_non_finite("arg", value)
    if where is None:
        p.check_finite("arg", value)
        return
    with pytest.raises(ValueError, match="must hold finite numbers") as error:
        p.check_finite("arg", value)
    assert str(error.value).startswith(f"{where} must hold finite numbers")


@given(st.lists(_VALUES.map(lambda content: {"role": "user", "content": content}), max_size=4))
def test_message_lists_name_the_message_with_a_nan(messages: list[dict[str, object]]) -> None:
    """A list argument names the item and key: messages[2]['content'][0]."""
    where = _first_non_finite("messages", messages)
    if where is None:
        assert p.models("messages", julep.InputChatMlMessage, messages) == messages
        return
    with pytest.raises(ValueError, match="must hold finite numbers") as error:
        p.models("messages", julep.InputChatMlMessage, messages)
    assert str(error.value).startswith(f"{where} must hold finite numbers")


@hypothesis.settings(max_examples=25, deadline=None)
@given(
    data=st.one_of(st.binary(max_size=16), st.binary(max_size=16).map(bytearray)),
    where=st.sampled_from(["content", "name", "metadata"]),
)
def test_bytes_inside_a_model_are_refused_not_sent_as_base85(data: bytes, where: str) -> None:
    """Bytes in a model field fail before sending, naming the field, as they do in a dict."""
    # The orjson preset of cattrs wrote them as base85 text: b"bytes" went out as "VtI6Ba{".
    if where == "metadata":
        kwargs: dict[str, typing.Any] = {
            "request": julep.CreateDoc(title="t", content="c", metadata={"k": data})
        }
        name, field = "create_agent_doc", "request.metadata.k"
    else:
        message = julep.InputChatMlMessage(role="user", content="hi")
        kwargs = {"messages": [attrs.evolve(message, **{where: data})]}
        name, field = "chat", f"messages[0].{where}"
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError) as error:
            getattr(client, name)("s", **kwargs)
    assert str(error.value).startswith(f"{field}: {type(data).__name__} cannot be sent as JSON")


@hypothesis.settings(max_examples=30, deadline=None)
@given(
    key=st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-_.+/=", min_size=8, max_size=24),
    where=st.sampled_from(["id", "id suffix", "query"]),
)
def test_the_api_key_is_never_put_into_a_url(key: str, where: str) -> None:
    """The key passed where an id or query goes is refused before sending, naming no key."""
    # It went out in the URL, which the error message and the JULEP_LOG line quote
    # unblanked (only the body was), as do proxies' and servers' access logs.
    hypothesis.assume(key.strip(".") and key not in {".", ".."})
    calls = {
        "id": lambda client: client.get_agent(key),
        "id suffix": lambda client: client.get_agent("agent-" + key),
        "query": lambda client: client.get_agent_memories("a", query=f"about {key}"),
    }
    with JulepApi(api_key=key, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match="holds the API key") as error:
            calls[where](client)
    assert key not in str(error.value)


_LONE_SURROGATES = st.integers(0xD800, 0xDFFF).map(chr)


@hypothesis.settings(max_examples=30, deadline=None)
@given(
    head=st.text(max_size=4),
    surrogate=_LONE_SURROGATES,
    where=st.sampled_from(["content", "name", "model content", "metadata key", "doc title"]),
)
def test_a_lone_surrogate_in_body_text_is_a_value_error_naming_it(
    head: str, surrogate: str, where: str
) -> None:
    """Text UTF-8 cannot carry is a ValueError naming where it sits, as in an id (and a
    UnicodeEncodeError, a ValueError, in julep 0.3.9); not a TypeError asking whether
    a field has the wrong type, and a metadata key is named too."""
    text = head + surrogate
    calls: dict[str, tuple[str, typing.Callable[[JulepApi], object]]] = {
        "content": (
            "messages[0].content",
            lambda c: c.chat("s", messages=[{"role": "user", "content": text}]),
        ),
        "model content": (
            "messages[0].content",
            lambda c: c.chat("s", messages=[julep.InputChatMlMessage(role="user", content=text)]),
        ),
        "name": ("name", lambda c: c.create_agent(name=text)),
        "metadata key": (
            f"metadata[{text!r}]",
            lambda c: c.create_agent(name="n", metadata={"ok": 1, text: 2}),
        ),
        "doc title": (
            "request.title",
            lambda c: c.create_agent_doc("a", request=julep.CreateDoc(title=text, content="c")),
        ),
    }
    field, call = calls[where]
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError) as error:
            call(client)
    assert str(error.value).startswith(f"{field}"), error.value
    assert "cannot be sent as JSON" in str(error.value)
    assert "wrong type" not in str(error.value)


_UNSENDABLE = st.sampled_from([b"raw", object(), bytearray(b"x")])


@hypothesis.settings(max_examples=30, deadline=None)
@given(
    value=_UNSENDABLE,
    operation=st.sampled_from(["create_agent_doc", "create_user_doc", "create_agent_tool"]),
    as_model=st.booleans(),
)
def test_a_request_dict_names_its_failures_as_the_request(
    value: object, operation: str, as_model: bool
) -> None:
    """What cannot be sent in request={...} is named under request, as in a model
    given there (it said "metadata.k: ..." for a dict, "request.metadata.k" for a model)."""
    if operation == "create_agent_tool":
        function = {"name": "f", "parameters": {"k": value}}
        request: object = (
            julep.CreateToolRequest(type="function", function=julep.FunctionDef(**function))
            if as_model
            else {"type": "function", "function": function}
        )
        field = "request.function.parameters.k"
    else:
        request = (
            julep.CreateDoc(title="t", content="c", metadata={"k": value})
            if as_model
            else {"title": "t", "content": "c", "metadata": {"k": value}}
        )
        field = "request.metadata.k"
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError) as error:
            getattr(client, operation)("a", request=request)
    assert str(error.value).startswith(f"{field}: {type(value).__name__} cannot be sent as JSON")
