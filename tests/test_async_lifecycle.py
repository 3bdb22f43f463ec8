"""AsyncJulepApi opens its session lazily on the running loop and closes only what it owns."""

from __future__ import annotations

import asyncio
import typing

import aiohttp
import pytest

import julep
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer


@pytest.fixture
def server() -> typing.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.mark.anyio
async def test_async_with_closes_the_session(server: LoopbackServer) -> None:
    """The session exists only after the first call and is closed by the async with."""
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        assert client._transport._session is None
        assert (await client.get_agent("a")).id == "a"
        session = client._transport._session
        assert session is not None and not session.closed
    assert session.closed
    with pytest.raises(julep.JulepError, match="closed"):
        await client.get_agent("b")


@pytest.mark.anyio
async def test_caller_owned_session_is_never_closed(server: LoopbackServer) -> None:
    """A session passed in stays open after the client is closed."""
    async with aiohttp.ClientSession() as session:
        async with AsyncJulepApi(
            api_key=API_KEY, base_url=server.base_url, session=session
        ) as client:
            assert (await client.get_agent("mine")).id == "mine"
        assert not session.closed


def test_client_survives_a_new_event_loop(server: LoopbackServer) -> None:
    """Used from two successive asyncio.run calls, the client opens a session per loop."""
    client = AsyncJulepApi(api_key=API_KEY, base_url=server.base_url)

    async def first() -> str:
        return (await client.get_agent("one")).id

    async def second() -> str:
        try:
            return (await client.get_agent("two")).id
        finally:
            await client.close()

    assert asyncio.run(first()) == "one"
    assert asyncio.run(second()) == "two"


@pytest.mark.anyio
async def test_with_options_shares_the_pool(server: LoopbackServer) -> None:
    """A derived client uses the parent's session; closing it leaves the parent usable."""
    async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        await client.get_agent("warm")
        fast = client.with_options(timeout=2, max_retries=0)
        assert fast.timeout == julep.Timeout(read=2.0, total=2.0)
        assert fast.max_retries == 0 and client.max_retries == 2
        assert (await fast.get_agent("x")).id == "x"
        assert fast._transport is client._transport
        await fast.close()
        assert (await client.get_agent("y")).id == "y"
