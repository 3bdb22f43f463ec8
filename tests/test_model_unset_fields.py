"""Optional fields left out of a model built in code read as None, and still stay off the wire."""

from __future__ import annotations

import typing

import attrs
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep import models as m
from julep._serde import encode_json
from julep._types import OMIT

WIRE_NAMES = {"continue_": "continue", "schema_": "schema"}

# The request models, built with their required fields.
REQUIRED: dict[type, dict[str, typing.Any]] = {
    m.InputChatMlMessage: {"role": "user", "content": "hi"},
    m.CreateDoc: {"title": "t", "content": "c"},
    m.FunctionDef: {"name": "f", "parameters": {}},
    m.PartialFunctionDef: {},
    m.AgentDefaultSettings: {},
    m.ChatSettingsResponseFormat: {},
    m.ChatSettings: {},
    m.MemoryAccessOptions: {},
}
# A value of the right type for each optional field (None is tried as well).
VALUES = {
    "name": "n",
    "continue_": True,
    "metadata": {"k": 1},
    "description": "d",
    "parameters": {"type": "object"},
    "type": "json_object",
    "pattern": "a+",
    "schema_": {"a": 1},
    "logit_bias": {"1": 2},
    "max_tokens": 5,
    "seed": 1,
    "stop": ["x"],
    "stream": False,
    "preset": "creative",
    "response_format": {"type": "text"},
    "recall": True,
    "record": False,
    "remember": True,
}


def optional_fields(cls: type) -> list[str]:
    return [f.name for f in attrs.fields(cls) if f.default is OMIT]


@st.composite
def built_models(draw: st.DrawFn) -> tuple[typing.Any, dict[str, typing.Any]]:
    cls = draw(st.sampled_from(sorted(REQUIRED, key=lambda c: c.__name__)))
    given_fields = {
        name: draw(st.sampled_from([None, VALUES.get(name, 0.5)]))
        for name in optional_fields(cls)
        if draw(st.booleans())
    }
    return cls(**REQUIRED[cls], **given_fields), given_fields


@settings(max_examples=200, deadline=None, derandomize=True)
@given(built_models())
def test_a_field_left_out_reads_as_none_and_is_not_sent(
    case: tuple[typing.Any, dict[str, typing.Any]],
) -> None:
    """An optional field not given reads None (julep 0.3.9 did), not OMIT, and is not sent."""
    model, given_fields = case
    cls = type(model)
    for name in optional_fields(cls):
        assert getattr(model, name) is not OMIT, name
        if name not in given_fields:
            assert getattr(model, name) is None, name
    sent = orjson.loads(encode_json(model))
    expected = set(REQUIRED[cls]) | set(given_fields)
    assert set(sent) == {WIRE_NAMES.get(name, name) for name in expected}
    for name, value in given_fields.items():
        if value is None:
            assert sent[WIRE_NAMES.get(name, name)] is None  # given as None: sent as null
    assert set(model.dict()) == set(sent)
    again = attrs.evolve(model)
    assert orjson.loads(encode_json(again)) == sent
    assert again == model


def test_a_model_checked_with_is_not_none_does_not_crash() -> None:
    """Code that mypy accepts for a `str | None` field runs: the unset name is None."""
    message = julep.InputChatMlMessage(role="user", content="hi")
    assert message.name is None
    assert orjson.loads(encode_json(message)) == {"role": "user", "content": "hi"}
    named = attrs.evolve(message, name="Ann")
    assert orjson.loads(encode_json(named)) == {"role": "user", "content": "hi", "name": "Ann"}
    assert julep.AgentDefaultSettings(temperature=0.5).top_p is None


def test_a_subclass_of_a_model_reads_its_own_left_out_fields_as_none() -> None:
    """A subclass built after its base (whose generated post-init the subclass
    finds first) still reads each of its own left-out fields as None and records
    the fields it was given."""
    m.InputChatMlMessage(role="user", content="base first")  # the base's function is made

    @attrs.frozen(kw_only=True)
    class Tagged(m.InputChatMlMessage):
        tag: str | None = OMIT

    message = Tagged(role="user", content="hi")
    assert (message.name, message.continue_, message.tag) == (None, None, None)
    assert message._present == ("role", "content")
    tagged = Tagged(role="user", content="hi", tag="t", name=None)
    assert (tagged.name, tagged.continue_, tagged.tag) == (None, None, "t")
    assert tagged._present == ("role", "content", "name", "tag")
    # The base still runs its own.
    assert m.InputChatMlMessage(role="user", content="x", continue_=True)._present == (
        "role",
        "content",
        "continue",
    )


@pytest.mark.parametrize("base_first", [True, False])
def test_a_subclass_keeps_its_own_post_init(base_first: bool) -> None:
    """A subclass with an ``__attrs_post_init__`` of its own (calling super(), as attrs
    documents) runs it for every instance: the base's generated post-init was put on
    the subclass by its first instance, replacing the user's method for later ones."""
    if base_first:
        m.AgentDefaultSettings(temperature=0.1)
    seen: list[typing.Any] = []

    @attrs.frozen(kw_only=True)
    class Traced(m.AgentDefaultSettings):
        def __attrs_post_init__(self) -> None:
            super().__attrs_post_init__()
            seen.append(self.temperature)

    built = [Traced(temperature=t) for t in (0.1, 0.2, 0.3)]
    assert seen == [0.1, 0.2, 0.3]
    assert [b.top_p for b in built] == [None, None, None]
    assert built[1].dict() == {"temperature": 0.2}


_SUBCLASSES: dict[tuple[type, bool], type] = {}


@settings(max_examples=100, deadline=None, derandomize=True)
@given(built_models(), st.booleans())
def test_a_callers_subclass_is_sent_as_its_base(
    case: tuple[typing.Any, dict[str, typing.Any]], decorated: bool
) -> None:
    """class MyMessage(InputChatMlMessage) goes out as InputChatMlMessage does: it went as
    a plain attrs object ("_present", "continue_", a null for every field left out)."""
    model, given_fields = case
    cls = type(model)
    key = (cls, decorated)
    sub = _SUBCLASSES.get(key)
    if sub is None:
        sub = type(f"My{cls.__name__}", (cls,), {"__module__": __name__})
        if decorated:
            sub = attrs.frozen(kw_only=True)(sub)
        _SUBCLASSES[key] = sub
    mine = sub(**REQUIRED[cls], **given_fields)
    assert orjson.loads(encode_json(mine)) == orjson.loads(encode_json(model))
    assert orjson.loads(encode_json({"wrapped": [mine]})) == {
        "wrapped": [orjson.loads(encode_json(model))]
    }
    assert mine.dict() == model.dict()


@settings(max_examples=50, deadline=None)
@given(st.text(st.characters(blacklist_characters="\x00"), min_size=1, max_size=20))
def test_a_subclass_of_any_name_builds(name: str) -> None:
    """A subclass made with type() may have any name ("Sub-1", "Reply[int]"): its
    generated post-init is a def, which such a name made a SyntaxError for every
    construction."""
    sub = type(name, (m.InputChatMlMessage,), {})
    message = sub(role="user", content="hi")
    assert (message.name, message.continue_) == (None, None)
    assert message._present == ("role", "content")


class _OwnThing:
    """A caller's class, for which the converter has no hook."""


@settings(max_examples=30, deadline=None)
@given(
    annotation=st.sampled_from([object, _OwnThing, "object", typing.Callable[[], None]]),
    note=st.text(max_size=5) | st.integers(-5, 5) | st.none(),
    content=st.text(max_size=5) | st.integers(0, 3),
)
def test_a_subclass_field_of_a_type_no_hook_reads(
    annotation: object, note: object, content: object
) -> None:
    """class Tagged(InputChatMlMessage) with a field annotated object goes out with it,
    as with str or typing.Any (and as julep 0.3.9 sent it), where cattrs'
    StructureHandlerNotFoundError escaped; the model's own fields are still checked."""
    sub = attrs.make_class(
        "Tagged",
        {"note": attrs.field(default=None, type=annotation)},
        bases=(m.InputChatMlMessage,),
    )
    message = sub(role="user", content=content, note=note)
    if isinstance(content, str):
        expected = {"role": "user", "content": content, **({} if note is None else {"note": note})}
        assert orjson.loads(encode_json({"messages": [message]})) == {"messages": [expected]}
    else:
        with pytest.raises(TypeError, match=r"^messages\[0\]\.content: expected a string"):
            encode_json({"messages": [message]})
