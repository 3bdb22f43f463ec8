"""The shortcut for a model argument's wire form agrees with writing and reading JSON."""

from __future__ import annotations

import typing

from hypothesis import given
from hypothesis import strategies as st

from julep import _bigjson
from julep._serde import _flat_wire_form, _unstructure_model
from julep.models.enums import ChatSettingsPreset, InputChatMlMessageRole

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
    st.sampled_from(list(InputChatMlMessageRole) + list(ChatSettingsPreset)),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.text(max_size=3), scalars, max_size=2),
)


@given(st.dictionaries(st.text(max_size=6), values, max_size=5))
def test_the_shortcut_gives_what_a_json_round_trip_gives_or_declines(
    data: dict[str, typing.Any],
) -> None:
    """For any object, the shortcut is None or exactly the JSON round trip's result."""
    shortcut = _flat_wire_form(data)
    if shortcut is None:
        return
    round_trip = _bigjson.loads(_bigjson.dumps_plain(data, _unstructure_model))
    assert shortcut == round_trip
    assert [type(v) for v in shortcut.values()] == [type(v) for v in round_trip.values()]


def test_the_shortcut_declines_what_json_would_change() -> None:
    """NaN (written as null), lists and nested objects take the real round trip."""
    for value in (float("nan"), float("inf"), [1], {"a": 1}):
        assert _flat_wire_form({"k": value}) is None
    assert _flat_wire_form({"role": InputChatMlMessageRole.USER, "n": 2**70}) == {
        "role": "user",
        "n": 2**70,
    }
