"""Property: a model read from the API and sent back adds no key and no null to what it received.

Response bodies are generated from the models' own fields (every optional
field absent, present or null), decoded, and sent back through every request
that takes them, by the real request path of ``AsyncJulepApi`` up to the
socket. Each test prints its case count and how many re-sent forms differed
from the input at all (``pytest -s`` shows them).
"""

from __future__ import annotations

import asyncio
import collections
import datetime as dt
import enum
import types
import typing

import attrs
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import julep
from julep import models as m
from julep._rfc3339 import parse_datetime
from julep._serde import converter, encode_json
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL
from .wire.samples import AGENT_ID, SESSION_ID, TOOL_ID

JSON = typing.Any
WIRE_NAMES = {"continue_": "continue", "schema_": "schema"}
EXAMPLES = settings(
    max_examples=40, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# Sending goes through the client's whole request path: fewer, costlier cases.
SEND_EXAMPLES = settings(EXAMPLES, max_examples=25)

# --- response bodies, generated from the models --------------------------------

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-1000, 1000), st.floats(-10, 10), st.text(max_size=6)
)
_json_values = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
_json_objects = st.dictionaries(st.text(max_size=6), _json_values, max_size=3)
_timestamps = st.builds(
    lambda moment, form: form(moment),
    st.datetimes(min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2100, 1, 1)),
    st.sampled_from(
        [
            lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ"),
            lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f+00:00"),
            lambda t: t.strftime("%Y-%m-%dt%H:%M:%S.%f")[:-3] + "-0530",
            lambda t: t.strftime("%Y-%m-%d %H:%M:%S.%f") + "123z",
        ]
    ),
)
_unknown_part = st.fixed_dictionaries({"type": st.just("input_audio"), "data": st.text(max_size=4)})


def _part() -> st.SearchStrategy[JSON]:
    return st.one_of(
        model_json(m.ChatMlTextContentPart), model_json(m.ChatMlImageContentPart), _unknown_part
    )


def _strategy(hint: object) -> st.SearchStrategy[JSON]:
    """JSON values of the type a field is declared with."""
    if hint == m.ChatMlMessageContent:
        return st.one_of(st.text(max_size=8), st.lists(_part(), max_size=3))
    if hint == m.ChatMlMessageContentItem:
        return _part()
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        return st.one_of([_strategy(arg) for arg in args])
    if origin is typing.Literal:
        return st.sampled_from(args)
    if origin is list:
        return st.lists(_strategy(args[0]), max_size=3)
    if origin is dict:
        return _json_objects
    if hint is type(None):
        return st.none()
    if hint is str:
        return st.text(max_size=8)
    if hint is int:
        return st.integers(-1000, 10**6)
    if hint is float:
        return st.floats(-2, 3) | st.integers(0, 2)
    if hint is bool:
        return st.booleans()
    if hint is dt.datetime:
        return _timestamps
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return st.sampled_from([member.value for member in hint])
    if isinstance(hint, type) and attrs.has(hint):
        return model_json(hint)
    raise AssertionError(f"no strategy for {hint!r}")


def model_json(cls: type) -> st.SearchStrategy[dict[str, JSON]]:
    """JSON objects for ``cls``: required fields set, optional ones absent, set or null."""
    hints = typing.get_type_hints(cls)
    required: dict[str, st.SearchStrategy[JSON]] = {}
    optional: dict[str, st.SearchStrategy[JSON]] = {}
    for field in attrs.fields(cls):
        if not field.init or not field.eq:
            continue  # _present, response_info
        wire, values = (
            WIRE_NAMES.get(field.name, field.name),
            st.deferred(lambda hint=hints[field.name]: _strategy(hint)),
        )
        if field.default is attrs.NOTHING or typing.get_origin(hints[field.name]) is typing.Literal:
            required[wire] = values  # a part's `type` tells the parts apart
        else:
            # null where the type allows it; the field's own strategy gives it then.
            optional[wire] = values
    # A key this SDK does not know yet: decoding ignores it, so it is not sent back.
    optional["x_new_field"] = _scalars
    return st.fixed_dictionaries(required, optional=optional)


RESPONSE_MODELS = sorted(
    (
        cls
        for cls in vars(m).values()
        if isinstance(cls, type) and issubclass(cls, m.ResponseModel) and cls is not m.ResponseModel
    ),
    key=lambda cls: cls.__name__,
)

# --- what was sent -------------------------------------------------------------


class _CapturedError(Exception):
    """Raised by the fake transport with the body the client was about to send."""

    def __init__(self, data: bytes | None) -> None:
        super().__init__("sent")
        self.data = data


async def _fake_send(*_: object, data: bytes | None, **__: object) -> typing.NoReturn:
    raise _CapturedError(data)


class Sender:
    """One client on one loop for a whole test, its transport replaced by a recorder."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.client = AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL)
        self.client._transport.send = _fake_send  # type: ignore[method-assign]
        self.client._transport.open_stream = _fake_send  # type: ignore[method-assign]

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *_: object) -> None:
        self.loop.run_until_complete(self.client.close())
        self.loop.close()

    def body(self, call: typing.Callable[[AsyncJulepApi], typing.Awaitable[object]]) -> JSON:
        """The JSON body ``call`` sends, captured where the transport would write it."""
        try:
            self.loop.run_until_complete(call(self.client))  # type: ignore[arg-type]
        except _CapturedError as sent:
            assert sent.data is not None
            return orjson.loads(sent.data)
        raise AssertionError("no request was sent")


def _datetimes(value: JSON, key: str = "") -> JSON:
    """Timestamps as datetimes: Z and +00:00 are the same instant."""
    if isinstance(value, dict):
        return {k: _datetimes(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_datetimes(v, key) for v in value]
    if isinstance(value, str) and key.endswith(("_at", "timestamp")):
        return parse_datetime(value)
    return value


def _known(value: JSON) -> JSON:
    """``value`` without the generated unknown keys, which decoding leaves out."""
    if isinstance(value, dict):
        return {k: _known(v) for k, v in value.items() if k != "x_new_field"}
    if isinstance(value, list):
        return [_known(v) for v in value]
    return value


def assert_adds_nothing(sent: JSON, received: JSON, where: str = "$") -> None:
    """Every key of ``sent`` was in ``received``, and every null of ``sent`` was a null there."""
    if isinstance(sent, dict):
        assert isinstance(received, dict), f"{where}: an object where {received!r} was received"
        for key, value in sent.items():
            assert key in received, f"{where}.{key}: sent, but absent from what was received"
            if value is None:
                assert received[key] is None, (
                    f"{where}.{key}: null sent, {received[key]!r} received"
                )
            assert_adds_nothing(value, received[key], f"{where}.{key}")
    elif isinstance(sent, list):
        assert isinstance(received, list) and len(sent) == len(received), where
        for index, (a, b) in enumerate(zip(sent, received, strict=True)):
            assert_adds_nothing(a, b, f"{where}[{index}]")
    else:
        assert sent == received, f"{where}: sent {sent!r}, received {received!r}"


class Tally:
    """Cases run, and how many re-sent forms differed from the input in any way."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.counts: collections.Counter[str] = collections.Counter()

    def check(self, label: str, sent: JSON, received: JSON) -> None:
        sent, received = _datetimes(sent), _datetimes(received)
        assert_adds_nothing(sent, received, label)
        self.counts[f"{label} cases"] += 1
        known = _known(received)
        if known != received:
            self.counts[f"{label} dropped x_new_field"] += 1
        if sent != known:
            self.counts[f"{label} changed"] += 1

    def changed(self) -> int:
        return sum(n for key, n in self.counts.items() if key.endswith(" changed"))

    def report(self) -> None:
        print(f"\n{self.name}: " + ", ".join(f"{k}={v}" for k, v in sorted(self.counts.items())))
        # Beyond leaving out unknown keys, every re-sent form is exactly what was received.
        assert self.changed() == 0


# --- every response model, encoded and exported --------------------------------


@pytest.mark.parametrize("cls", RESPONSE_MODELS, ids=lambda cls: cls.__name__)
def test_every_response_model_encodes_and_exports_what_it_received(cls: type) -> None:
    """encode_json, .dict() and to_dict() of a decoded model hold only what the body held."""
    tally = Tally(cls.__name__)

    @EXAMPLES
    @given(body=model_json(cls))
    def run(body: dict[str, JSON]) -> None:
        model = converter.structure(body, cls)
        tally.check("encode_json", orjson.loads(encode_json(model)), body)
        tally.check("to_dict", model.to_dict(), body)
        tally.check(".json()", orjson.loads(model.json()), body)

    run()
    tally.report()
    assert tally.counts["encode_json cases"] >= 20


# --- sent back through the requests that take them ------------------------------

Call = typing.Callable[[AsyncJulepApi], typing.Awaitable[object]]
_MESSAGES = [{"role": "user", "content": "hi"}]
_CHATS: dict[str, typing.Callable[..., Call]] = {
    "chat": lambda **kw: lambda c: c.chat(SESSION_ID, **kw),
    "chat(stream=True)": lambda **kw: lambda c: c.chat(SESSION_ID, stream=True, **kw),
    "chat_stream": lambda **kw: lambda c: c.chat_stream(SESSION_ID, **kw).until_done(),
}


def _agents(body: dict[str, JSON], cls: type) -> list[tuple[JSON, julep.Agent]]:
    """(agent JSON, decoded agent) pairs of an Agent or ListAgentsResponse body."""
    decoded = converter.structure(body, cls)
    if cls is m.Agent:
        return [(body, decoded)]
    return list(zip(body["items"], decoded.items, strict=True))


def _settings_calls(ds: m.AgentDefaultSettings) -> dict[str, Call]:
    return {
        "create_agent": lambda c: c.create_agent(name="n", model="m", default_settings=ds),
        "update_agent": lambda c: c.update_agent(
            AGENT_ID, about="a", name="n", default_settings=ds
        ),
        "patch_agent": lambda c: c.patch_agent(AGENT_ID, default_settings=ds),
        "patch_agent(.dict())": lambda c: c.patch_agent(AGENT_ID, default_settings=ds.dict()),
    }


def _instructions_call(agent: julep.Agent) -> Call:
    return lambda c: c.patch_agent(AGENT_ID, instructions=agent.instructions)


# Half the agents come with default settings, which are what is sent back.
_agents_json = st.one_of(
    model_json(m.Agent),
    st.builds(
        lambda agent, ds: {**agent, "default_settings": ds},
        model_json(m.Agent),
        model_json(m.AgentDefaultSettings),
    ),
)
_AGENT_BODIES = {
    m.Agent: _agents_json,
    m.ListAgentsResponse: st.fixed_dictionaries({"items": st.lists(_agents_json, max_size=3)}),
}


@pytest.mark.parametrize("cls", [m.Agent, m.ListAgentsResponse], ids=lambda cls: cls.__name__)
def test_agent_settings_and_instructions_go_back_unchanged(cls: type) -> None:
    """default_settings and instructions sent back by create, update and patch add nothing."""
    tally = Tally(cls.__name__)
    with Sender() as sender:

        @SEND_EXAMPLES
        @given(body=_AGENT_BODIES[cls])
        def run(body: dict[str, JSON]) -> None:
            for agent_json, agent in _agents(body, cls):
                settings_json = agent_json.get("default_settings")
                if settings_json is not None:
                    assert agent.default_settings is not None
                    for label, call in _settings_calls(agent.default_settings).items():
                        tally.check(label, sender.body(call)["default_settings"], settings_json)
                if agent_json.get("instructions") is not None:
                    sent = sender.body(_instructions_call(agent))
                    received = agent_json["instructions"]
                    tally.check("patch_agent instructions", sent["instructions"], received)

        run()
    tally.report()


def _function_calls(tool: m.Tool) -> dict[str, Call]:
    request = m.CreateToolRequest(type=tool.type, function=tool.function)
    return {
        "create_agent_tool": lambda c: c.create_agent_tool(AGENT_ID, request=request),
        "create_agent": lambda c: c.create_agent(name="n", model="m", tools=[request]),
        "update_agent_tool": lambda c: c.update_agent_tool(
            AGENT_ID, TOOL_ID, function=tool.function
        ),
        "patch_agent_tool(to_dict())": lambda c: c.patch_agent_tool(
            AGENT_ID, TOOL_ID, function=tool.function.to_dict()
        ),
    }


@pytest.mark.parametrize("cls", [m.Tool, m.GetAgentToolsResponse], ids=lambda cls: cls.__name__)
def test_tools_go_back_unchanged(cls: type) -> None:
    """Tools sent back to chat, and their functions to the tool operations, add nothing."""
    tally = Tally(cls.__name__)
    with Sender() as sender:

        @SEND_EXAMPLES
        @given(body=model_json(cls))
        def run(body: dict[str, JSON]) -> None:
            decoded = converter.structure(body, cls)
            if cls is m.Tool:
                tools_json, tools = [body], [decoded]
            else:
                tools_json, tools = body.get("items") or [], decoded.items or []
            if tools:
                for label, chat in _CHATS.items():
                    sent = sender.body(chat(messages=_MESSAGES, tools=tools))
                    tally.check(f"{label} tools", sent["tools"], tools_json)
            for tool_json, tool in zip(tools_json, tools, strict=True):
                for label, call in _function_calls(tool).items():
                    sent = sender.body(call)
                    sent_function = (sent["tools"][0] if "tools" in sent else sent)["function"]
                    tally.check(label, sent_function, tool_json["function"])

        run()
    tally.report()


def _messages(body: dict[str, JSON], cls: type) -> list[tuple[JSON, m.ChatMlMessage]]:
    """(message JSON, decoded message) pairs of any response that holds messages."""
    decoded = converter.structure(body, cls)
    if cls is m.ChatMlMessage:
        return [(body, decoded)]
    if cls is m.GetHistoryResponse:
        return list(zip(body.get("items") or [], decoded.items or [], strict=True))
    replies = body.get("response") or []
    return [
        pair
        for choice_json, choice in zip(replies, decoded.response or [], strict=True)
        for pair in zip(choice_json, choice, strict=True)
    ]


@pytest.mark.parametrize(
    "cls",
    [m.ChatMlMessage, m.GetHistoryResponse, m.ChatResponse, m.ChatResponseChunk],
    ids=lambda cls: cls.__name__,
)
def test_history_messages_go_back_unchanged(cls: type) -> None:
    """Messages re-sent to chat, as models or as .dict(), add nothing to their content."""
    tally = Tally(cls.__name__)
    with Sender() as sender:

        @SEND_EXAMPLES
        @given(body=model_json(cls))
        def run(body: dict[str, JSON]) -> None:
            for message_json, message in _messages(body, cls):
                as_model = m.InputChatMlMessage(role=message.role, content=message.content)
                as_dict = message.dict(exclude={"id", "created_at"})
                expected = {k: v for k, v in message_json.items() if k not in ("id", "created_at")}
                for label, chat in _CHATS.items():
                    sent = sender.body(chat(messages=[as_model]))["messages"][0]
                    tally.check(f"{label} model", sent["content"], message_json["content"])
                    sent = sender.body(chat(messages=[as_dict]))["messages"][0]
                    tally.check(f"{label} .dict()", sent, expected)

        run()
    tally.report()
