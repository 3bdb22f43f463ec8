"""A body nested deeper than orjson writes (255 levels) goes out as JSON, as julep
0.3.9 sent it; past Python's recursion limit it is refused as nested too deeply."""

from __future__ import annotations

import asyncio
import typing

import hypothesis
import hypothesis.strategies as st
import pytest
from aioresponses import aioresponses

import julep
from julep._serde import loads
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, SentRequest, respond, sent
from .wire.samples import CHAT_RESPONSE, CREATED, SESSION_ID


def _nest(depth: int, leaf: object) -> dict[str, typing.Any]:
    top: dict[str, typing.Any] = {}
    current = top
    for _ in range(depth - 1):
        current["a"] = {}
        current = current["a"]
    current["a"] = leaf
    return top


_CALLS: dict[str, typing.Callable[[AsyncJulepApi, dict[str, typing.Any]], typing.Any]] = {
    "metadata": lambda c, deep: c.create_agent(name="n", metadata=deep),
    "message field": lambda c, deep: c.chat(
        SESSION_ID, messages=[{"role": "user", "content": "x", "extra": deep}]
    ),
    "doc model's metadata": lambda c, deep: c.create_agent_doc(
        "a", request=julep.CreateDoc(title="t", content="c", metadata=deep)
    ),
}


@hypothesis.settings(max_examples=15, deadline=None)
@hypothesis.given(
    depth=st.integers(min_value=250, max_value=400),
    where=st.sampled_from(sorted(_CALLS)),
    leaf=st.sampled_from([1, "text", None, 2**70]),
)
def test_a_body_deeper_than_orjson_writes_is_sent(depth: int, where: str, leaf: object) -> None:
    """Sent whole, where "dict cannot be sent as JSON (Recursion limit reached); is a
    field of the wrong type?" was raised from 256 levels on."""
    deep = _nest(depth, leaf)

    async def main() -> list[SentRequest]:
        with aioresponses() as mock:
            if where == "message field":
                respond(mock, "POST", payload=CHAT_RESPONSE)
            else:
                respond(mock, "POST", status=201, payload=CREATED)
            async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as c:
                await _CALLS[where](c, deep)
            return sent(mock)

    (request,) = asyncio.run(main())
    assert request.body is not None
    body = loads(request.body)  # an int past 64 bits, exactly
    found = body["messages"][0]["extra"] if where == "message field" else body["metadata"]
    for _ in range(depth):
        found = found["a"]
    assert found == leaf


def test_bytes_deep_inside_is_still_refused_before_sending() -> None:
    """What JSON cannot hold at all, deep down, stays a TypeError, and nothing is sent."""

    async def main() -> None:
        with aioresponses() as mock:
            async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=0) as c:
                with pytest.raises(TypeError, match="cannot be sent as JSON"):
                    await c.create_agent(name="n", metadata=_nest(300, b"raw"))
            assert sent(mock) == []

    asyncio.run(main())
