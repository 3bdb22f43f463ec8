"""Integers beyond 64 bits are read and sent exactly, as JSON (and julep 0.3.9) allows.

orjson reads such a literal as a float without a word and refuses to write one:
metadata came back as 1.2345678901234568e+29 and -2**63 - 1 as -2**63.
"""

from __future__ import annotations

import json
import re

import hypothesis
import hypothesis.strategies as st
from aioresponses import aioresponses

from julep import _bigjson
from julep.client import JulepApi

from ..conftest import API_KEY
from .mock import BASE_URL, respond, sent
from .samples import AGENT, AGENT_ID, CREATED

BIG = st.one_of(st.integers(max_value=-(2**63) - 1), st.integers(min_value=2**64))
ANY_INT = st.one_of(BIG, st.integers(-(2**63), 2**64 - 1))


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(number=ANY_INT, budget=ANY_INT.filter(lambda n: n >= 0))
def test_big_ints_in_a_response_are_read_exactly(number: int, budget: int) -> None:
    """A decoded model holds the integers the JSON had, in metadata and typed fields."""
    body = json.dumps({**AGENT, "metadata": {"n": number, "deep": [{"m": number}]}}).encode()
    session = json.dumps({"id": AGENT_ID, "agent_id": AGENT_ID, "token_budget": budget}).encode()
    with aioresponses() as mock:
        respond(mock, "GET", body=body)
        respond(mock, "GET", body=session)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            agent = client.get_agent(AGENT_ID)
            got = client.get_session(AGENT_ID)
    assert agent.metadata == {"n": number, "deep": [{"m": number}]}
    assert type(agent.metadata["n"]) is int
    assert got.token_budget == budget
    assert json.loads(agent.to_json())["metadata"]["n"] == number


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(number=BIG)
def test_big_ints_in_a_request_are_sent_exactly(number: int) -> None:
    """create_agent(metadata={"n": 2**70}) sends 2**70, not a TypeError."""
    with aioresponses() as mock:
        respond(mock, "POST", payload=CREATED)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            client.create_agent(name="n", metadata={"n": number, "when": "x"})
        (request,) = sent(mock)
    assert request.body is not None
    assert json.loads(request.body) == {"name": "n", "metadata": {"n": number, "when": "x"}}


def test_the_fallback_keeps_orjson_strictness() -> None:
    """NaN stays invalid, and a long digit run inside a string changes nothing."""
    for bad in (b'{"a": NaN, "b": 12345678901234567890123}', b'{"a": 1e99999999999999999999}'):
        try:
            _bigjson.loads(bad)
        except ValueError:
            pass
        else:  # pragma: no cover
            raise AssertionError(bad)
    assert _bigjson.loads(b'{"id": "12345678901234567890123", "n": 1.5}') == {
        "id": "12345678901234567890123",
        "n": 1.5,
    }


@hypothesis.settings(max_examples=200, deadline=None)
@hypothesis.given(
    filler=st.binary(max_size=300),
    run=st.integers(min_value=0, max_value=30),
    at=st.integers(min_value=0, max_value=200_000),
    size=st.sampled_from([0, 100, 64 * 1024 - 5, 64 * 1024, 150_000]),
)
def test_the_digit_run_scan_finds_what_a_regex_finds(
    filler: bytes, run: int, at: int, size: int
) -> None:
    """The fast scan (translated slices) agrees with ``[0-9]{19}`` everywhere, a run
    across the edge of two slices included."""
    body = bytearray((filler or b"a") * (size // max(len(filler), 1) + 1))[: max(size, 1)]
    at = min(at, len(body))
    body[at:at] = b"9" * run
    assert _bigjson._may_hold_big_int(bytes(body)) == (
        re.search(rb"[0-9]{19}", bytes(body)) is not None
    )


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(number=ANY_INT)
def test_big_ints_in_a_metadata_filter_dict_are_sent_exactly(number: int) -> None:
    """list_agents(metadata_filter={"n": 2**70}) sends the filter as the str form would
    (it raised TypeError 'Integer exceeds 64-bit range' before any request)."""
    with aioresponses() as mock:
        respond(mock, "GET", payload={"items": []})
        with JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            client.list_agents(metadata_filter={"n": number, "deep": [number]})
        (request,) = sent(mock)
    assert json.loads(request.url.query["metadata_filter"]) == {"n": number, "deep": [number]}


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(
    number=BIG, key=st.one_of(st.integers(), st.none(), st.booleans(), st.floats(allow_nan=False))
)
def test_a_big_int_does_not_let_a_non_str_key_through(number: int, key: object) -> None:
    """The json fallback would write {1: x} as {"1": x}; it refuses it as orjson does."""
    from julep import _params, _serde

    value = {"n": number, "m": [{key: 1}]}
    for encode in (_serde.encode_json, _params.metadata_filter):
        try:
            encode(value)
        except TypeError as exc:
            assert "key" in str(exc)
        else:
            raise AssertionError(f"{encode.__name__} sent a non-str key")


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(digits=st.integers(300, 4000), sign=st.sampled_from(["", "-"]))
def test_integers_too_large_for_a_double_are_read_exactly(digits: int, sign: str) -> None:
    """orjson refuses an integer literal of 310 digits or more ('number is infinity
    when parsed as double'); the fallback reads it, while 1e400 stays refused."""
    number = int(sign + "7" * digits)
    assert _bigjson.loads(b'{"n": %d, "l": [%d]}' % (number, number)) == {
        "n": number,
        "l": [number],
    }
    for bad in (b'{"n": %d, "f": 1e400}' % number, b"[%d, 1e400]" % number, b"[%d,]" % number):
        try:
            _bigjson.loads(bad)
        except ValueError:
            continue
        raise AssertionError(f"read {bad[-20:]!r}")
