"""A streamed chat that runs out of time after it started raises StreamTimeoutError: both a
StreamError (with the text so far) and an APITimeoutError, on both clients, for both limits."""

from __future__ import annotations

import typing

import anyio
import pytest

import julep
from julep import Timeout
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer

MESSAGES = [{"role": "user", "content": "hi"}]
# The loopback stream sends "Hel", then only keep-alive comments for 30 s.
LIMITS = {
    "stream_idle": Timeout(stream_idle=0.3, total=30),
    "total": Timeout(stream_idle=None, total=0.5),
}


@pytest.fixture
def server() -> typing.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _check(error: BaseException, server: LoopbackServer, limit: str) -> None:
    assert isinstance(error, julep.StreamTimeoutError)
    if limit == "total":
        # The deadline the caller set, not what chat(stream=True) had left of it.
        assert "the total deadline of 0.5s passed before the chat stream ended" in str(error)
    assert isinstance(error, julep.StreamError)
    assert isinstance(error, julep.APITimeoutError)
    assert error.partial_text == "Hel"
    assert error.url == f"{server.base_url}/sessions/stall/chat"
    assert server.disconnected.wait(10)  # the connection was dropped, not left streaming
    assert server.requests == 1  # part of the reply was out: never retried


@pytest.mark.parametrize("limit", sorted(LIMITS))
@pytest.mark.parametrize("how", ["chat_stream", "chat(stream=True)"])
def test_async_stream_out_of_time(server: LoopbackServer, limit: str, how: str) -> None:
    async def main() -> BaseException:
        async with AsyncJulepApi(
            api_key=API_KEY, base_url=server.base_url, timeout=LIMITS[limit]
        ) as client:
            try:
                if how == "chat_stream":
                    async with client.chat_stream("stall", messages=MESSAGES) as stream:
                        async for _ in stream:
                            pass
                else:
                    await client.chat("stall", messages=MESSAGES, stream=True)
            except julep.APITimeoutError as exc:  # as code catching timeouts would
                return exc
        raise AssertionError("the stream ended without an error")

    _check(anyio.run(main), server, limit)


@pytest.mark.parametrize("limit", sorted(LIMITS))
@pytest.mark.parametrize("how", ["chat_stream", "chat(stream=True)"])
def test_sync_stream_out_of_time(server: LoopbackServer, limit: str, how: str) -> None:
    with JulepApi(api_key=API_KEY, base_url=server.base_url, timeout=LIMITS[limit]) as client:
        with pytest.raises(julep.StreamError) as caught:  # as code catching broken streams would
            if how == "chat_stream":
                with client.chat_stream("stall", messages=MESSAGES) as stream:
                    for _ in stream:
                        pass
            else:
                client.chat("stall", messages=MESSAGES, stream=True)
    _check(caught.value, server, limit)
