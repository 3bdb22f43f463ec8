"""A response that does not fit says what the JSON had there, and where (down to the item).

cattrs' default text replaced the decoders' own messages with "invalid value for type,
expected Union" and lost which item of a list of strings was wrong.
"""

from __future__ import annotations

import json

import hypothesis
import hypothesis.strategies as st
import pytest
from aioresponses import aioresponses

import julep
from julep.client import JulepApi

from ..conftest import API_KEY
from .mock import BASE_URL, respond
from .samples import AGENT, AGENT_ID

_NOT_STRINGS = st.one_of(st.none(), st.integers(), st.booleans(), st.just([]), st.just({}))
_NAMES = {type(None): "null", int: "integer", bool: "boolean", list: "array", dict: "object"}


@hypothesis.settings(max_examples=25, deadline=None)
@hypothesis.given(
    before=st.lists(st.text(max_size=3), max_size=3), bad=_NOT_STRINGS, after=st.lists(st.text())
)
def test_a_bad_item_of_instructions_is_named(
    before: list[str], bad: object, after: list[str]
) -> None:
    instructions = [*before, bad, *after]
    with aioresponses() as mock:
        respond(mock, "GET", body=json.dumps({**AGENT, "instructions": instructions}))
        with JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(julep.ResponseValidationError) as caught:
                client.get_agent(AGENT_ID)
    message = str(caught.value)
    assert f"item [{len(before)}] is {_NAMES[type(bad)]} @ $.instructions" in message
    assert "Union" not in message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("created_at", "yesterday", "not an RFC 3339 datetime: 'yesterday' @ $.created_at"),
        ("name", 5, "expected a string, got integer @ $.name"),
        ("metadata", [1], "expected an object, got array @ $.metadata"),
    ],
)
def test_the_decoders_own_message_is_kept(field: str, value: object, expected: str) -> None:
    with aioresponses() as mock:
        respond(mock, "GET", body=json.dumps({**AGENT, field: value}))
        with JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(julep.ResponseValidationError, match=expected.replace("$", r"\$")):
                client.get_agent(AGENT_ID)
