"""The converter's JSON policy, checked directly."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import json
import pickle

import attrs
import cattrs
import hypothesis
import orjson
import pytest
from hypothesis import strategies as st

import julep
import julep.models.enums
from julep import _http
from julep._serde import converter, dumps, encode_json, lenient_enum

from .wire.samples import CREATED


def test_omitted_and_null_are_different() -> None:
    """An optional field left out is not in the JSON; one set to None is null."""
    assert dumps(julep.PartialFunctionDef()) == b"{}"
    assert dumps(julep.PartialFunctionDef(name=None)) == b'{"name":null}'


def test_wire_names_of_python_keywords() -> None:
    """continue_ and schema_ travel as continue and schema, both ways."""
    message = julep.InputChatMlMessage(role="user", content="x", continue_=True)
    assert dumps(message) == b'{"role":"user","content":"x","continue":true}'
    assert (
        converter.structure(
            {"role": "user", "content": "x", "continue": False}, type(message)
        ).continue_
        is False
    )
    response_format = julep.ChatSettingsResponseFormat(schema_={"type": "object"})
    assert dumps(response_format) == b'{"schema":{"type":"object"}}'


def test_models_inside_plain_data_are_encoded() -> None:
    """A dict argument holding models encodes them with the same rules."""
    body = {
        "messages": [
            {
                "role": julep.InputChatMlMessageRole.USER,
                "content": [julep.ChatMlTextContentPart(text="hi")],
            }
        ]
    }
    assert (
        encode_json(body)
        == b'{"messages":[{"role":"user","content":[{"text":"hi","type":"text"}]}]}'
    )


def test_unions_follow_the_json_shape() -> None:
    """str | list[str] and str | parts decode by what the JSON holds."""
    agent = converter.structure(
        {"id": "a", "name": "n", "model": "m", "instructions": "one"}, julep.Agent
    )
    assert agent.instructions == "one"
    message = converter.structure(
        {
            "id": "m",
            "role": "user",
            "created_at": 0,
            "content": [{"type": "image_url", "image_url": {"url": "u"}}],
        },
        julep.ChatMlMessage,
    )
    assert isinstance(message.content, list)
    assert isinstance(message.content[0], julep.ChatMlImageContentPart)
    assert message.created_at == dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("field", "value"),
    [("jobs", "abc"), ("id", 5), ("created_at", "yesterday"), ("created_at", True)],
)
def test_wrong_json_types_are_refused(field: str, value: object) -> None:
    """A string is not a list, a number is not a string, and so on: nothing is coerced."""
    with pytest.raises(cattrs.BaseValidationError):
        converter.structure({**CREATED, field: value}, julep.ResourceCreatedResponse)


def test_integral_floats_are_integers() -> None:
    """5.0 is an integer to JSON Schema, so it decodes as 5; 5.5 does not."""
    usage = converter.structure(
        {"completion_tokens": 5.0, "prompt_tokens": 1, "total_tokens": 6}, julep.CompletionUsage
    )
    assert usage.completion_tokens == 5 and isinstance(usage.completion_tokens, int)
    with pytest.raises(cattrs.BaseValidationError):
        converter.structure(
            {"completion_tokens": 5.5, "prompt_tokens": 1, "total_tokens": 6}, julep.CompletionUsage
        )


def test_unknown_enum_values_decode_leniently_but_never_pass_as_arguments() -> None:
    """A new value in a response decodes; the same value is refused in a request model."""
    tool = converter.structure(
        {"id": "t", "type": "mcp", "function": {"name": "f", "parameters": {}}}, julep.Tool
    )
    assert tool.type == "mcp" and isinstance(tool.type, julep.ToolType)
    with pytest.raises(cattrs.BaseValidationError):
        converter.structure({"role": "bad", "content": "x"}, julep.InputChatMlMessage)
    with pytest.raises(ValueError, match="expected one of"):
        julep.CreateToolRequest(type=tool.type, function=tool.function)


def test_decoded_models_re_encode_exactly_what_they_received() -> None:
    """Absent stays absent and null stays null when a decoded model is encoded again."""
    settings = converter.structure({"temperature": 0.5, "top_p": None}, julep.AgentDefaultSettings)
    assert settings.preset is None and settings.min_p is None
    assert dumps(settings) == b'{"temperature":0.5,"top_p":null}'
    tool = converter.structure(
        {"id": "t", "type": "function", "function": {"name": "f", "parameters": {}}}, julep.Tool
    )
    assert tool.function.description is None
    assert encode_json({"tools": [tool]}) == (
        b'{"tools":[{"id":"t","type":"function","function":{"name":"f","parameters":{}}}]}'
    )


def test_evolved_and_copied_models_keep_what_was_present() -> None:
    """attrs.evolve, copy and pickle keep the decoded keys and add the fields changed since."""
    settings = converter.structure({"preset": "fun"}, julep.AgentDefaultSettings)
    changed = attrs.evolve(settings, temperature=0.2)
    assert dumps(changed) == b'{"temperature":0.2,"preset":"fun"}'
    assert dumps(attrs.evolve(settings, preset=None)) == b'{"preset":null}'
    assert dumps(copy.deepcopy(settings)) == b'{"preset":"fun"}'
    assert dumps(pickle.loads(pickle.dumps(settings))) == b'{"preset":"fun"}'


def test_models_built_in_code_write_every_field_set() -> None:
    """A model the caller builds writes its set fields, None as null, and required ones."""
    assert dumps(julep.FunctionDef(name="f", parameters={}, description=None)) == (
        b'{"name":"f","parameters":{},"description":null}'
    )
    assert dumps(julep.AgentDefaultSettings()) == b"{}"


_NOW = dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)


@hypothesis.given(
    name=st.one_of(st.none(), st.text(max_size=5)),
    summary=st.one_of(st.none(), st.text(max_size=5)),
    token_budget=st.one_of(st.none(), st.integers(0, 10**6)),
)
def test_response_models_built_in_code_leave_out_optional_fields_not_given(
    name: str | None, summary: str | None, token_budget: int | None
) -> None:
    """A response model built in code writes what was given, as julep 0.3.9's exclude_unset:
    an optional field left at None is absent on the wire and in .dict(), not null."""
    message = julep.ChatMlMessage(id="m", role="user", content="x", created_at=_NOW, name=name)
    expected = {"id": "m", "role": "user", "content": "x"}
    expected["created_at"] = "2024-05-01T12:00:00+00:00"
    if name is not None:
        expected["name"] = name
    assert orjson.loads(dumps(message)) == expected
    assert message.to_dict() == expected
    session = julep.Session(id="s", agent_id="a", summary=summary, token_budget=token_budget)
    given = {"summary": summary, "token_budget": token_budget}
    wanted = {"id": "s", "agent_id": "a"} | {k: v for k, v in given.items() if v is not None}
    assert orjson.loads(dumps(session)) == wanted
    assert session.dict() == wanted == json.loads(session.json())
    every = {f.name for f in attrs.fields(julep.Session)} - {"_present", "response_info"}
    assert set(session.dict(exclude_unset=False)) == every
    doc = julep.Doc(id="d", title="t", content="c", created_at=_NOW)
    assert b"metadata" not in encode_json({"request": doc})


_ENUMS = sorted(
    {
        value
        for value in vars(julep.models.enums).values()
        if isinstance(value, type) and issubclass(value, julep.models.enums._StrEnum)
    }
    - {julep.models.enums._StrEnum},
    key=lambda cls: cls.__name__,
)


@hypothesis.given(cls=st.sampled_from(_ENUMS), value=st.text(min_size=1, max_size=12))
def test_enum_values_unknown_to_the_sdk_survive_pickle(cls: type[enum.Enum], value: str) -> None:
    """A pseudo-member (a value a response had, unknown here) unpickles as the same value;
    a known member unpickles as itself."""
    member = lenient_enum(cls, value)
    again = pickle.loads(pickle.dumps(member))
    assert type(again) is cls and again == member and again.value == value
    if value in cls._value2member_map_:
        assert again is member
    for known in cls:
        assert pickle.loads(pickle.dumps(known)) is known
    model = converter.structure(
        {"id": "j", "name": "n", "created_at": "2024-05-01T12:00:00Z", "state": value},
        julep.JobStatus,
    )
    assert pickle.loads(pickle.dumps(model)) == model


@hypothesis.given(
    cont=st.one_of(st.none(), st.booleans()),
    schema=st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
)
def test_models_take_the_wire_names_of_renamed_fields(
    cont: bool | None, schema: dict[str, int]
) -> None:
    """As julep 0.3.9's models did: InputChatMlMessage(**{"continue": ...}) and
    ChatSettingsResponseFormat(**{"schema": ...}) build the same model as continue_/schema_."""
    wire = {"role": "user", "content": "x", "continue": cont}
    message = julep.InputChatMlMessage(**wire)
    assert message == julep.InputChatMlMessage(role="user", content="x", continue_=cont)
    assert message.dict() == {**wire, "role": julep.InputChatMlMessageRole.USER}
    assert dumps(message) == dumps(converter.structure(wire, julep.InputChatMlMessage))
    response_format = julep.ChatSettingsResponseFormat(**{"type": "json_object", "schema": schema})
    assert response_format.schema_ == schema
    assert orjson.loads(dumps(response_format)) == {"type": "json_object", "schema": schema}
    with pytest.raises(TypeError, match="give one"):
        julep.InputChatMlMessage(role="user", content="x", continue_=True, **{"continue": True})


@hypothesis.given(seconds=st.integers(-(2 * 10**10), 2 * 10**10))
def test_epoch_numbers_in_seconds_or_milliseconds_as_julep_039_read_them(seconds: int) -> None:
    """An epoch number above 2e10 is milliseconds, as pydantic v1 read it; an epoch in a
    string is read as the number."""
    expected = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(seconds=seconds)
    assert converter.structure(seconds, dt.datetime) == expected
    assert converter.structure(str(seconds), dt.datetime) == expected
    if abs(seconds) * 1000 > 2e10:
        assert converter.structure(seconds * 1000, dt.datetime) == expected
        assert converter.structure(str(seconds * 1000), dt.datetime) == expected
    with pytest.raises(cattrs.BaseValidationError):
        converter.structure({**CREATED, "created_at": "soon"}, julep.ResourceCreatedResponse)


@hypothesis.given(
    magnitude=st.one_of(
        st.integers(min_value=3 * 10**20 + 1, max_value=10**600),
        st.floats(min_value=3.0000000000000004e20, allow_infinity=False),
    ),
    sign=st.sampled_from([1, -1]),
    as_text=st.booleans(),
)
def test_epoch_numbers_beyond_3e20_read_as_the_last_or_first_datetime(
    magnitude: float, sign: int, as_text: bool
) -> None:
    """pydantic v1 (julep 0.3.9) read an epoch number above 3e20 as datetime.max and one
    below -3e20 as datetime.min, before dividing by 1000: 10**30 is no date in 1973.
    Ints of any size (past a float's range, too) take this path without an OverflowError."""
    value = sign * magnitude
    if as_text:
        hypothesis.assume(isinstance(value, float))  # a str reads as a float
    expected = dt.datetime.max if sign > 0 else dt.datetime.min
    expected = expected.replace(tzinfo=dt.timezone.utc)
    assert converter.structure(repr(value) if as_text else value, dt.datetime) == expected
    body = orjson.dumps({**CREATED, "created_at": "X"}).replace(b'"X"', str(value).encode())
    assert (
        _http.decode(
            _http.RawResponse("GET", "http://127.0.0.1:9/api/x", 200, {}, body),
            julep.ResourceCreatedResponse,
        ).created_at
        == expected
    )


@hypothesis.given(value=st.text(max_size=10))
def test_enum_fields_of_models_built_in_code_refuse_unknown_strings(value: str) -> None:
    """AgentDefaultSettings(preset="nope") fails when built, as in julep 0.3.9 (and as
    chat(preset="nope") does); the same value read from a response is kept."""
    known = value in julep.ChatSettingsPreset._value2member_map_
    if known:
        assert julep.AgentDefaultSettings(preset=value).preset == value
    else:
        with pytest.raises(ValueError, match="expected one of"):
            julep.AgentDefaultSettings(preset=value)
    decoded = converter.structure({"preset": value}, julep.AgentDefaultSettings)
    assert decoded.preset == value
    assert julep.AgentDefaultSettings(preset=decoded.preset).preset == value
    if value not in julep.ChatMlImageContentPartImageUrlDetail._value2member_map_:
        with pytest.raises(ValueError, match="expected one of"):
            julep.ChatMlImageContentPartImageUrl(url="u", detail=value)
    url = converter.structure({"url": "u", "detail": value}, julep.ChatMlImageContentPartImageUrl)
    assert url.detail == value
