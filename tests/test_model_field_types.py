"""A model argument whose fields hold values of the wrong type is refused before any
request, naming the field: attrs does not check fields when a model is built (pydantic
did, in julep 0.3.9), so ``InputChatMlMessage(content=5)`` used to go out for the
server to refuse. Nothing listens on port 9: a request sent would fail otherwise."""

from __future__ import annotations

import asyncio
import datetime
import typing
import uuid
import zoneinfo

import attrs
import hypothesis
import hypothesis.strategies as st
import pytest

import julep
from julep import AgentDefaultSettings, CreateDoc, InputChatMlMessage

BASE_URL = "http://127.0.0.1:9/api"
KEY = "k" * 12
SESSION = "6f4c2c2e-7b3a-4c1e-9a55-0e3c1f1a2b3c"

# Within what JSON can carry (an int past 64 bits fails to encode at all, named as such).
_INTS = st.integers(-(2**63), 2**63 - 1)
_FLOATS = st.floats(allow_nan=False, allow_infinity=False)
# Not [], which is a list of (no) content parts.
_NOT_STR = _INTS | _FLOATS | st.booleans() | st.lists(_INTS, min_size=1)
_NOT_NUMBER = st.text(max_size=5) | st.booleans() | st.lists(_INTS, max_size=2)


def _both(call: typing.Callable[[typing.Any], typing.Any]) -> list[BaseException]:
    """The error ``call(client)`` raises on each client."""
    errors: list[BaseException] = []
    with julep.JulepApi(api_key=KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(TypeError) as caught:
            call(client)
        errors.append(caught.value)

    async def on_async() -> None:
        async with julep.AsyncJulepApi(api_key=KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(TypeError) as caught:
                await call(client)
            errors.append(caught.value)

    asyncio.run(on_async())
    return errors


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(content=_NOT_STR, index=st.integers(min_value=0, max_value=2))
def test_a_message_model_with_content_of_the_wrong_type(content: object, index: int) -> None:
    messages = [InputChatMlMessage(role="user", content="fine") for _ in range(3)]
    messages[index] = InputChatMlMessage(role="user", content=content)  # type: ignore[arg-type]
    for error in _both(lambda c: c.chat(SESSION, messages=messages)):
        # content or, for a list, its first item, which is no content part.
        assert str(error).startswith(f"messages[{index}].content"), error
        assert "expected a " in str(error)
        assert "InputChatMlMessage" in str(error)


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(temperature=_NOT_NUMBER)
def test_settings_model_with_a_number_of_the_wrong_type(temperature: object) -> None:
    settings = AgentDefaultSettings(temperature=temperature)  # type: ignore[arg-type]
    for error in _both(lambda c: c.create_agent(name="a", default_settings=settings)):
        assert str(error).startswith("default_settings.temperature: expected a number"), error


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(
    temperature=st.integers(min_value=2**1024, max_value=10**500)
    | st.integers(max_value=-(2**1024)),
    nested=st.booleans(),
)
def test_an_int_past_a_floats_range_in_a_float_field(temperature: int, nested: bool) -> None:
    """Named as the field's problem, where a private error class escaped with
    ".temperature: unknown error" before."""
    settings = AgentDefaultSettings(temperature=temperature)

    def call(c: typing.Any) -> typing.Any:
        if nested:
            return c.patch_agent(SESSION, default_settings=settings)
        return c.create_agent(name="a", default_settings=settings)

    for error in _both(call):
        assert type(error) is TypeError
        assert str(error) == (
            "default_settings.temperature: expected a number a float can hold, "
            "got a larger int (an AgentDefaultSettings field)"
        )


_FLOAT_FIELDS = ("temperature", "top_p", "min_p", "frequency_penalty", "length_penalty")


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(
    value=st.integers(min_value=2**1024, max_value=10**500) | st.integers(max_value=-(2**1024)),
    field=st.sampled_from(_FLOAT_FIELDS),
    where=st.sampled_from(["request", "docs"]),
)
def test_an_int_past_a_floats_range_in_a_model_inside_another(
    value: int, field: str, where: str
) -> None:
    """A model in another model's free-form field (a CreateDoc's metadata) is named
    down to its field, where "metadata.s: AgentDefaultSettings cannot be sent as
    JSON (Integer exceeds 64-bit range)" was said before."""
    inner = AgentDefaultSettings(**{field: value})
    doc = CreateDoc(title="t", content="c", metadata={"s": inner})

    def call(c: typing.Any) -> typing.Any:
        if where == "request":
            return c.create_agent_doc(SESSION, request=doc)
        return c.create_agent(name="a", docs=[CreateDoc(title="t", content="c"), doc])

    path = "request.metadata.s" if where == "request" else "docs[1].metadata.s"
    for error in _both(call):
        assert type(error) is TypeError
        assert str(error) == (
            f"{path}.{field}: expected a number a float can hold, "
            "got a larger int (an AgentDefaultSettings field)"
        )


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(title=_NOT_STR | st.none())
def test_a_doc_model_given_as_the_whole_request(title: object) -> None:
    doc = CreateDoc(title=title, content="text")  # type: ignore[arg-type]
    for error in _both(lambda c: c.create_agent_doc(SESSION, request=doc)):
        assert str(error).startswith("request.title: expected a string"), error


def test_every_wrong_field_is_named_at_once() -> None:
    doc = CreateDoc(title=None, content=["a", 3])  # type: ignore[arg-type]
    (error, _) = _both(lambda c: c.create_agent(name="a", docs=[doc]))
    assert "docs[0].title: expected a string, got null" in str(error)
    assert "docs[0].content: expected a string or a list of strings" in str(error)


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(content=st.text(max_size=20), temperature=st.floats(0, 2) | st.integers(0, 2))
def test_models_of_the_right_types_go_out_as_before(content: str, temperature: float) -> None:
    """The check reads the wire form back; it changes nothing of what is sent."""
    from julep._serde import encode_json

    body = {
        "messages": [InputChatMlMessage(role="user", content=content)],
        "settings": AgentDefaultSettings(temperature=temperature),
    }
    sent = encode_json(body)
    assert sent == encode_json(
        {
            "messages": [{"role": "user", "content": content}],
            "settings": {"temperature": temperature},
        }
    )


_BUILT: list[object] = []


@attrs.define
class _Place:
    """A caller's own attrs class, with fields the julep converter has no structure hook for."""

    name: str
    ref: uuid.UUID
    extra: object = None

    def __attrs_post_init__(self) -> None:
        _BUILT.append(self)


def test_a_callers_own_attrs_object_in_a_dict_argument_is_sent_as_before() -> None:
    """Only the SDK's models are read back: a caller's attrs class in metadata went
    out as its fields until 1c44e38 (then: TypeError 'Unsupported type: uuid.UUID'),
    and is not built a second time."""
    from julep._serde import encode_json

    _BUILT.clear()
    place = _Place("Se", uuid.UUID(int=7), {"a": 1})
    sent = encode_json({"name": "a", "metadata": {"where": place}})
    assert sent == (
        b'{"name":"a","metadata":{"where":{"name":"Se",'
        b'"ref":"00000000-0000-0000-0000-000000000007","extra":{"a":1}}}}'
    )
    assert [place] == _BUILT


@hypothesis.settings(max_examples=60, deadline=None)
@hypothesis.given(
    when=st.datetimes(
        min_value=datetime.datetime(2, 1, 1),
        max_value=datetime.datetime(9998, 12, 31),
        timezones=st.timedeltas(
            min_value=datetime.timedelta(hours=-23, minutes=59),
            max_value=datetime.timedelta(hours=23, minutes=59),
        ).map(datetime.timezone)
        | st.just(zoneinfo.ZoneInfo("Europe/Amsterdam")),
    )
)
def test_any_aware_datetime_is_sent_as_rfc3339_at_the_same_instant(
    when: datetime.datetime,
) -> None:
    """An offset with seconds (zoneinfo's local mean time before ~1900, or a
    timezone(timedelta(seconds=30))) was written '+00:19:32', which RFC 3339 has no
    room for: the message was refused as 'not an RFC 3339 datetime' though valid."""
    import orjson

    from julep import ChatMlMessage
    from julep._rfc3339 import parse_datetime
    from julep._serde import encode_json

    message = ChatMlMessage(id="m", role="user", content="c", created_at=when)
    sent = orjson.loads(encode_json({"messages": [message]}))["messages"][0]["created_at"]
    # By timestamp: Python never calls a time in a DST fold equal across zones.
    assert parse_datetime(sent).timestamp() == when.timestamp()


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(
    role=st.text(alphabet="abcdefghij_", min_size=1, max_size=12).filter(
        lambda r: r not in {m.value for m in julep.ChatMlMessageRole}
    )
)
def test_a_history_message_with_a_role_unknown_here_says_which(role: str) -> None:
    """Its role is kept when read (a pseudo-member) but InputChatMlMessage takes only
    its own: the error said 'invalid value @ $', naming nothing."""
    from julep._serde import converter

    message = converter.structure(
        {"id": "m", "role": role, "content": "x", "created_at": "2024-05-01T12:00:00Z"},
        julep.ChatMlMessage,
    )
    with (
        julep.JulepApi(api_key=KEY, base_url=BASE_URL, max_retries=0) as client,
        pytest.raises(ValueError) as caught,
    ):
        client.chat(SESSION, messages=[message])
    assert "InputChatMlMessageRole: expected one of 'user'," in str(caught.value)
    assert str(caught.value).endswith(f"got {role!r} @ $")


@hypothesis.settings(max_examples=10, deadline=None)
@hypothesis.given(index=st.integers(0, 3), extra=st.integers(0, 100))
def test_an_integer_too_long_to_write_is_named(index: int, extra: int) -> None:
    """Past sys.get_int_max_str_digits() Python will not write an integer: the
    ValueError said so without naming the argument."""
    import sys

    huge = 10 ** (sys.get_int_max_str_digits() + extra)
    items: list[object] = [2**70] * 4
    items[index] = huge
    with (
        julep.JulepApi(api_key=KEY, base_url=BASE_URL, max_retries=0) as client,
        pytest.raises(ValueError) as caught,
    ):
        client.create_agent(name="a", metadata={"n": 2**65, "items": items})
    assert str(caught.value).startswith(f"metadata.items[{index}]: Exceeds the limit")
    with (
        julep.JulepApi(api_key=KEY, base_url=BASE_URL, max_retries=0) as client,
        pytest.raises(ValueError, match=r"^metadata_filter cannot be sent as JSON: "),
    ):
        client.list_agents(metadata_filter={"n": huge})
