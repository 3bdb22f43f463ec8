"""Metadata holding what JSON has no type for: the same data goes out alike as a dict
argument and inside a model, as julep 0.3.9 wrote it (a set as a list, a path as a str)."""

from __future__ import annotations

import asyncio
import math
import pathlib
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
    | st.builds(pathlib.Path, st.text(min_size=1, max_size=4)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)


def _plain(value: typing.Any) -> typing.Any:
    """What 0.3.9's jsonable_encoder made of it."""
    if isinstance(value, (set, frozenset, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, pathlib.PurePath):
        return str(value)
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
