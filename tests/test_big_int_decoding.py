"""Responses are structured straight from orjson, and still hold big integers exactly.

orjson reads an integer literal beyond 64 bits as a float of magnitude 2**63 or
more. ``_bigjson.loads_into`` does not scan the body for such literals (that
cost as much as the parse); the hooks of every place where a model keeps an
integer flag such a float, and the body is then read again by ``json``. These
tests hold the result to that exact reading, for generated bodies of every
response model, and make sure no field type escapes the audit.
"""

from __future__ import annotations

import json
import typing

import attrs
import cattrs
import hypothesis
import hypothesis.strategies as st
import pytest

import julep
from julep import _bigjson, _http, _serde
from julep._serde import converter, dumps

from .test_fast_structure import MODELS, SAMPLES, json_values

BIG = st.one_of(st.integers(max_value=-(2**63) - 1), st.integers(min_value=2**64))
EDGES = st.sampled_from(
    [2**63 - 1, 2**63, 2**64 - 1, -(2**63), -(2**63) - 1, 2**64, 10**400, -(10**400), 0, 7]
)
# Floats orjson's reading of a big integer cannot be told from, and ordinary ones.
SUSPECT = st.sampled_from([1e19, -1e19, 2.0**63, -(2.0**63), 2.0**64, 9.3e18, 1e300, -1e300])
NUMBERS = st.one_of(BIG, EDGES, SUSPECT, st.floats(allow_nan=False, allow_infinity=False))
_scalars = st.none() | st.booleans() | st.text(max_size=3) | NUMBERS
_json = json_values(_scalars, max_leaves=8)


@st.composite
def _with_numbers(draw: st.DrawFn, value: typing.Any) -> typing.Any:
    """``value`` with numbers, or JSON holding them, put in place of some of its parts."""
    action = draw(st.sampled_from(["keep", "recurse", "recurse", "number", "json"]))
    if action == "number":
        return draw(NUMBERS)
    if action == "json":
        return draw(_json)
    if isinstance(value, dict) and action == "recurse":
        out = {key: draw(_with_numbers(item)) for key, item in value.items()}
        if draw(st.booleans()):
            out["metadata"] = draw(st.dictionaries(st.text(max_size=3), _json, max_size=3))
        return out
    if isinstance(value, list) and action == "recurse":
        return [draw(_with_numbers(item)) for item in value]
    return value


def _outcome(read: typing.Callable[[], typing.Any]) -> tuple[typing.Any, ...]:
    """What decoding shows a caller: the model, exactly (ints stay ints), or the error."""
    try:
        value = read()
    except (cattrs.BaseValidationError, TypeError, ValueError, AttributeError) as exc:
        return ("error", type(exc).__name__, _serde.describe_error(exc))
    return ("ok", dumps(value), repr(value))


@hypothesis.settings(max_examples=400, deadline=None)
@hypothesis.given(data=st.data())
def test_a_body_decodes_as_its_exact_reading_does(data: st.DataObject) -> None:
    """Big integers, boundary integers and floats of any size, anywhere in any response
    model's body: the model (or the error) is the one ``json``'s exact reading gives."""
    cls, sample = data.draw(st.sampled_from(SAMPLES))
    body = json.dumps(data.draw(_with_numbers(sample))).encode()
    fast = _outcome(lambda: _bigjson.loads_into(body, cls, _http.structure))
    assert not _bigjson._from_orjson.get()  # the flag never outlives the call
    exact = _outcome(lambda: _http.structure(_bigjson._exact(body), cls))
    assert fast == exact


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(number=st.one_of(BIG, SUSPECT), where=st.sampled_from(["flat", "deep", "list"]))
def test_metadata_keeps_each_number_as_written(number: int | float, where: str) -> None:
    """A big integer in metadata comes back an int; a float as big comes back a float."""
    metadata = {
        "flat": {"n": number},
        "deep": {"a": {"b": [1, {"n": number}]}},
        "list": {"l": ["x", number]},
    }[where]
    body = json.dumps({**SAMPLES[0][1], "metadata": metadata}).encode()
    agent = _bigjson.loads_into(body, julep.Agent, _http.structure)
    assert agent.metadata == metadata
    assert repr(agent.metadata) == repr(metadata)  # 10**19 and 1e19 are equal, not alike


def test_a_float_literal_in_an_int_field_reads_as_before() -> None:
    """1e19 in an int field is the integer 10**19 (JSON Schema's integer), read twice but
    kept: without a 19-digit run, orjson's reading is already exact."""
    body = json.dumps({**SAMPLES[2][1], "token_budget": 1e19}).encode()
    session = _bigjson.loads_into(body, julep.Session, _http.structure)
    assert session.token_budget == 10**19
    assert type(session.token_budget) is int


def test_an_int_past_a_floats_range_in_a_float_field_names_the_field() -> None:
    """Exactly read, 10**400 in a float field cannot be a float: the error says so and
    where, not cattrs' "unknown error"."""
    body = json.dumps({**SAMPLES[0][1], "default_settings": {"temperature": 10**400}}).encode()
    raw = _http.RawResponse("GET", "http://127.0.0.1/agents/a", 200, {}, body)
    with pytest.raises(julep.ResponseValidationError) as caught:
        _http.decode(raw, julep.Agent)
    assert (
        "expected a number a float can hold, got a larger int @ $.default_settings.temperature"
    ) in str(caught.value)


def test_a_callers_dict_is_never_suspected() -> None:
    """Outside a response (a dict given by a caller, the server's exact readings) a float
    is a float: structuring one never raises SuspectFloatError."""
    data = {**SAMPLES[2][1], "token_budget": 1e19, "metadata": {"f": 1e300, "l": [-1e19]}}
    session = converter.structure(data, julep.Session)
    assert session.token_budget == 10**19
    assert session.metadata == {"f": 1e300, "l": [-1e19]}


def test_a_deep_free_form_object_is_looked_at_without_recursion() -> None:
    """Metadata nested 900 deep (orjson reads up to 1,024) is checked by a loop."""
    deep: typing.Any = 2**70
    for _ in range(900):
        deep = [deep]
    _bigjson.check_free_form(deep)  # no RecursionError outside a response
    token = _bigjson._from_orjson.set(True)
    try:
        check = _bigjson.check_free_form
        try:
            check([[[float(2**70)]]])
        except _bigjson.SuspectFloatError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a suspect float three deep was not flagged")
        deep_float: typing.Any = float(2**70)
        for _ in range(900):
            deep_float = {"k": deep_float}
        try:
            check(deep_float)
        except _bigjson.SuspectFloatError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a suspect float 900 deep was not flagged")
    finally:
        _bigjson._from_orjson.reset(token)


# Every hook a response field can reach, and why a float orjson made of a big
# integer cannot slip through it unflagged.
_SAFE_LEAVES = {
    _serde._structure_int: "flags a float it would make an int of",
    # An epoch past 3e20 is the last datetime, so 3e20 + 1 is not 3e20.
    _serde._structure_datetime: "flags a float an epoch past 2**63 may have been",
    _serde._structure_any_object: "flags any float in the object",
    _serde._structure_free_form: "flags any float in the value",
    _serde._structure_float: "a float either way: both readings round the integer once",
    _serde._structure_str: "refuses a number",
    _serde._structure_bool: "refuses a number",
    _serde._structure_enum: "refuses a number; the error comes from the exact reading",
    _serde._structure_str_list: "refuses a number",
    _serde._structure_optional_str_list: "refuses a number",
}
# Hooks that check a shape (object, array, which arm) and hand what they hold to
# the hooks of the types inside, audited in turn.
_WRAPPERS = {
    _serde._structure_content: "a string, or parts by their hook",
    _serde._structure_part: "a known part by its model; an unknown one flags its floats",
    _serde._structure_tool_choice: "a string or a NamedToolChoice",
}


def _is_wrapper(t: object, hook: object) -> bool:
    return (
        (isinstance(t, type) and attrs.has(t))  # a model: its fields are audited
        or hook in _WRAPPERS
        or hook in _serde._LIST_ITEMS
        or getattr(hook, "__func__", None) is cattrs.BaseConverter._structure_optional
        or getattr(hook, "__name__", None) in {"structure_mapping", "structure_native_union"}
    )


def _hooks_under(t: object, seen: set[object]) -> typing.Iterator[tuple[object, object]]:
    """(type, hook) of ``t`` and of every type inside it, models' fields included."""
    if t in seen or t is type(None) or typing.get_origin(t) is typing.Literal:
        return
    seen.add(t)
    hook = converter.get_structure_hook(t)
    yield t, hook
    if not _is_wrapper(t, hook):
        return
    if isinstance(t, type) and attrs.has(t):
        for field in attrs.fields(attrs.resolve_types(t)):
            if field.init and field.name != "_present":
                yield from _hooks_under(field.type, seen)
    for arg in typing.get_args(t):
        yield from _hooks_under(arg, seen)


def test_every_response_field_type_is_audited() -> None:
    """A new field type must be added here, after deciding how it treats a suspect float:
    a hook that made an int (or kept a number) unflagged would lose a big integer."""
    unaudited = {
        f"{t}: {getattr(hook, '__qualname__', hook)}"
        for model in MODELS
        for t, hook in _hooks_under(model, set())
        if hook not in _SAFE_LEAVES and not _is_wrapper(t, hook)
    }
    assert not unaudited, sorted(unaudited)
    # typing.Any's own hook is the free-form one (a list of anything, a bare list).
    assert converter.get_structure_hook(typing.Any) is _serde._structure_free_form


# Not hypothesis: it raises the recursion limit while a test runs, and json's
# reach is what this is about.
@pytest.mark.parametrize("depth", [1001, 1010, 1020])
@pytest.mark.parametrize("number", [2**70, -(2**63) - 1, 10**200, 1e19, -9.3e18])
@pytest.mark.parametrize("model", ["Agent", "Session"])
def test_a_number_nested_past_jsons_reach_is_reported_as_such(
    depth: int, number: int | float, model: str
) -> None:
    """Metadata that orjson reads (up to 1,024 deep) but ``json`` cannot, holding a number
    that may be a big integer: the error says so, not that metadata is not an object,
    and the internal SuspectFloatError shows nowhere (message or traceback)."""
    import traceback

    cls = getattr(julep, model)
    sample = next(body for sample_cls, body in SAMPLES if sample_cls is cls)
    levels = depth - 2  # the body and metadata objects are two levels
    nested = "[" * levels + json.dumps(number) + "]" * levels
    # A 19-digit run, so the body is read again by json even for a float literal.
    metadata = '{"id": "1234567890123456789012", "d": ' + nested + "}"
    body = (json.dumps(sample)[:-1] + ', "metadata": ' + metadata + "}").encode()
    raw = _http.RawResponse(
        method="GET", url="http://127.0.0.1:9/api/x", status=200, headers={}, body=body
    )
    try:
        _http.decode(raw, cls)
    except julep.ResponseValidationError as exc:
        text = "".join(traceback.format_exception(exc))
        assert "nests too deeply" in str(exc)
        assert "SuspectFloatError" not in text
        assert "beyond 64 bits read as a float" not in text
        assert "invalid value for type" not in str(exc)
    else:  # pragma: no cover
        raise AssertionError("json read a body nested past its recursion limit")
    assert not _bigjson._from_orjson.get()
