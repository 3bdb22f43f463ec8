"""AsyncJulepApi opens its session lazily on the running loop and closes only what it owns."""

from __future__ import annotations

import asyncio
import os
import typing

import aiohttp
import pytest

import julep
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer
from .subprocesses import in_forked_child


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


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_uses_the_client_on_a_loop_of_its_own(server: LoopbackServer) -> None:
    """A child forked while the parent's loop is open uses and closes the client on its own loop."""
    # The child used to be told the client was "in use on another event loop" (the
    # parent's, which does not run in the child), and could not even close it.
    loop = asyncio.new_event_loop()
    client = AsyncJulepApi(api_key=API_KEY, base_url=server.base_url)
    loop.run_until_complete(client.get_agent("parent"))  # a pooled connection now

    def child() -> bool:
        if asyncio.run(client.get_agent("child")).id != "child":
            return False
        asyncio.run(client.close())
        return True

    child_status, _ = in_forked_child(child)
    try:
        assert child_status == b"ok"
        assert loop.run_until_complete(client.get_agent("parent-again")).id == "parent-again"
    finally:
        loop.run_until_complete(client.close())
        loop.close()
