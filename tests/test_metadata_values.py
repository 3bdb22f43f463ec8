"""Metadata holding what JSON has no type for: the same data goes out alike as a dict
argument and inside a model, as julep 0.3.9 wrote it (a set as a list, a path as a str)."""

from __future__ import annotations

import asyncio
import collections
import datetime
import decimal
import ipaddress
import math
import pathlib
import re
import typing

import hypothesis
import hypothesis.strategies as st
import pytest
from aioresponses import aioresponses

import julep
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, respond, sent
from .wire.samples import AGENT_ID, CREATED

scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=4)
# A one-item set: its order, the only thing a set does not say, cannot differ.
values = st.recursive(
    scalars
    | st.builds(lambda s: {s}, scalars)
    | st.builds(lambda s: frozenset({s}), scalars)
    | st.builds(pathlib.PurePosixPath, st.text(min_size=1, max_size=4))
    | st.builds(pathlib.Path, st.text(min_size=1, max_size=4))
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=2, max_value=10**6, min_value=-(10**6)
    )
    | st.decimals(
        allow_nan=False, allow_infinity=False, places=0, max_value=10**6, min_value=-(10**6)
    )
    | st.builds(
        datetime.timedelta, seconds=st.integers(0, 10**6), microseconds=st.integers(0, 10**6)
    )
    | st.builds(ipaddress.IPv4Address, st.integers(0, 2**32 - 1))
    | st.builds(collections.deque, st.lists(scalars, max_size=2)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def _plain(value: typing.Any) -> typing.Any:
    """What 0.3.9's jsonable_encoder made of it."""
    if isinstance(value, (set, frozenset, list, collections.deque)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (pathlib.PurePath, ipaddress.IPv4Address)):
        return str(value)
    if isinstance(value, decimal.Decimal):
        exponent = value.as_tuple().exponent
        return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)
    if isinstance(value, datetime.timedelta):
        return value.total_seconds()
    return value


@hypothesis.settings(max_examples=40, deadline=None)
@hypothesis.given(metadata=st.dictionaries(st.text(max_size=4), values, max_size=3))
def test_a_dict_and_a_model_send_the_same_metadata(metadata: dict[str, typing.Any]) -> None:
    async def main() -> list[typing.Any]:
        with aioresponses() as mock:
            for _ in range(4):
                respond(mock, "POST", status=201, payload=CREATED)
            async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as c:
                await c.create_agent_doc(
                    AGENT_ID, request=julep.CreateDoc(title="t", content="c", metadata=metadata)
                )
                await c.create_agent_doc(
                    AGENT_ID, request={"title": "t", "content": "c", "metadata": metadata}
                )
                await c.create_agent(name="n", metadata=metadata)
                await c.create_user(metadata=metadata)
            return [request.json()["metadata"] for request in sent(mock)]

    expected = _plain(metadata)
    assert asyncio.run(main()) == [expected] * 4


# What julep 0.3.9's jsonable_encoder sent for these metadata values (run against it).
_AS_039_SENT = [
    (decimal.Decimal("9.99"), 9.99),
    (decimal.Decimal("10"), 10),
    (decimal.Decimal("1E+2"), 100),
    (datetime.timedelta(days=1, microseconds=5), 86400.000005),
    (ipaddress.IPv6Address("::1"), "::1"),
    (ipaddress.ip_network("10.0.0.0/8"), "10.0.0.0/8"),
    (ipaddress.ip_interface("10.0.0.1/8"), "10.0.0.1/8"),
    (collections.deque([1, 2]), [1, 2]),
    (re.compile("a+"), "a+"),
]


@pytest.mark.parametrize(("value", "wire"), _AS_039_SENT)
def test_metadata_values_039_sent_are_sent_alike(
    value: typing.Any, wire: typing.Any, julep_client: julep.JulepApi
) -> None:
    """README: code written for 0.3.9 runs unchanged; metadata={"price": Decimal("9.99")}
    raised TypeError instead of going out as 0.3.9 sent it, as a dict and in a model."""
    agent = julep_client.create_agent(name="n", metadata={"v": value})
    assert julep_client.get_agent(agent.id).metadata == {"v": wire}
    julep_client.create_agent_doc(
        agent.id, request=julep.CreateDoc(title="t", content="c", metadata={"v": value})
    )
    assert [doc.metadata for doc in julep_client.get_agent_docs(agent.id).items] == [{"v": wire}]


@pytest.mark.parametrize("value", ["NaN", "-Infinity", "sNaN"])
def test_a_decimal_that_is_not_finite_is_refused(value: str) -> None:
    """JSON would carry it as null; nothing is sent."""
    with aioresponses() as mock:
        with julep.JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
            with pytest.raises(TypeError, match="not a finite number"):
                client.create_agent(name="n", metadata={"v": decimal.Decimal(value)})
        assert sent(mock) == []


@pytest.mark.parametrize("container", [set, frozenset])
def test_a_nan_inside_a_set_is_refused_before_sending(container: type) -> None:
    """JSON would write it as null; the set is named, as it has no index."""
    with julep.JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(ValueError, match=r"metadata\['tags'\] must hold finite numbers"):
            client.create_agent(name="n", metadata={"tags": container({math.nan})})


def test_a_set_in_a_metadata_filter_is_refused() -> None:
    """A filter matches by equality: a set written in some order would match by chance."""
    with julep.JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(TypeError, match=r"metadata_filter\['a'\]\[0\] cannot hold a set"):
            client.list_agents(metadata_filter={"a": [{1}]})


# Models with a field of the wrong type, and the path and class the error names.
_BAD_MODELS: list[tuple[typing.Any, str, str]] = [
    (julep.AgentDefaultSettings(temperature="hot"), ".temperature", "an AgentDefaultSettings"),  # type: ignore[arg-type]
    (julep.InputChatMlMessage(role="user", content=5), ".content", "an InputChatMlMessage"),  # type: ignore[arg-type]
    (julep.CreateDoc(title=7, content="c"), ".title", "a CreateDoc"),  # type: ignore[arg-type]
]


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(
    bad=st.sampled_from(_BAD_MODELS),
    keys=st.lists(st.sampled_from(["s", "deep"]), min_size=1, max_size=3),
    in_list=st.booleans(),
    where=st.sampled_from(["keyword", "request", "docs", "nested"]),
)
def test_a_model_inside_metadata_is_checked_wherever_it_sits(
    bad: tuple[typing.Any, str, str], keys: list[str], in_list: bool, where: str
) -> None:
    """A model in a model's metadata was sent unchecked, the same model one level
    up refused: now each names the field, before any request, on both clients."""
    model, field, kind = bad
    inner: typing.Any = [model] if in_list else model
    for key in reversed(keys[1:]):
        inner = {key: inner}
    metadata = {keys[0]: inner}
    inner_path = "".join(f".{key}" for key in keys) + ("[0]" if in_list else "") + field
    doc = julep.CreateDoc(title="t", content="c", metadata=metadata)
    calls: dict[str, tuple[str, dict[str, typing.Any], str]] = {
        "keyword": ("create_agent", {"name": "n", "metadata": metadata}, "metadata"),
        "request": ("create_agent_doc", {"agent_id": AGENT_ID, "request": doc}, "request.metadata"),
        "docs": ("create_agent", {"name": "n", "docs": [doc]}, "docs[0].metadata"),
        "nested": (
            "create_user",
            {"docs": [julep.CreateDoc(title="t", content="c", metadata={"d": doc})]},
            "docs[0].metadata.d.metadata",
        ),
    }
    method, kwargs, prefix = calls[where]
    expected = f"{re.escape(prefix + inner_path)}: expected .* \\({kind} field\\)$"

    async def run_async() -> str:
        with aioresponses() as mock:
            async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as c:
                with pytest.raises(TypeError) as caught:
                    await getattr(c, method)(**kwargs)
            assert sent(mock) == []
        return str(caught.value)

    with julep.JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(TypeError) as sync_caught:
            getattr(client, method)(**kwargs)
    assert str(sync_caught.value) == asyncio.run(run_async())
    assert re.match(expected, str(sync_caught.value)), str(sync_caught.value)


@pytest.mark.parametrize("container", [list, tuple, collections.deque, set, frozenset])
def test_an_int_past_what_python_writes_is_named_in_any_array(container: type) -> None:
    """Every walk over free-form data takes the same arrays: an int of more digits than
    Python writes is named where it sits in a deque or a set too, not as 'the body'."""
    with julep.JulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as client:
        with pytest.raises(ValueError, match=r"^metadata\.v\[0\]: Exceeds the limit"):
            client.create_agent(name="n", metadata={"v": container([10**5000])})
