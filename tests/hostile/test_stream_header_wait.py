"""``stream_idle`` bounds the gaps in a streamed body, not the wait for its headers (``read``)."""

from __future__ import annotations

import asyncio

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

import julep

from .test_stranger_network import AGENT_ID, ScriptedServer, read_head

MESSAGES = [{"role": "user", "content": "hi"}]
_EVENTS = (
    b'data: {"id": "c1", "delta": {"content": "Hi"}}\n\n'
    b'data: {"id": "c1", "finish_reason": "stop"}\n\ndata: [DONE]\n\n'
)


def _late_headers(delay: float, then_silent: bool) -> ScriptedServer:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        await asyncio.sleep(delay)  # a model that takes its time before the reply starts
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Connection: close\r\n\r\n")
        await writer.drain()
        if then_silent:
            await asyncio.sleep(30)
        writer.write(_EVENTS)
        await writer.drain()
        writer.close()

    return ScriptedServer(handler)


@hypothesis.settings(max_examples=4, deadline=None)
@given(idle=st.sampled_from([0.1, 0.2]), streamed=st.booleans())
def test_headers_later_than_stream_idle_but_within_read_are_waited_for(
    idle: float, streamed: bool
) -> None:
    """A reply whose headers take longer than stream_idle (but less than read) is read whole."""
    timeout = julep.Timeout(read=5, total=10, stream_idle=idle)

    async def main(base_url: str) -> str:
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, timeout=timeout, max_retries=0
        ) as client:
            if streamed:
                async with client.chat_stream(AGENT_ID, messages=MESSAGES) as stream:
                    return (await stream.until_done()).response[0][0].content or ""
            reply = await client.chat(AGENT_ID, messages=MESSAGES, stream=True)
            return reply.response[0][0].content or ""

    with _late_headers(idle + 0.4, then_silent=False) as server:
        assert asyncio.run(main(server.base_url)) == "Hi"


@pytest.mark.parametrize("client", ["async", "sync"])
def test_silence_after_the_headers_is_still_cut_at_stream_idle(client: str) -> None:
    """Once the headers came, a body that stays silent for stream_idle ends in StreamError."""
    timeout = julep.Timeout(read=10, total=20, stream_idle=0.3)
    options = {"api_key": "k", "timeout": timeout, "max_retries": 0}
    with _late_headers(0, then_silent=True) as server:
        with pytest.raises(julep.StreamError) as caught:
            if client == "sync":
                with julep.JulepApi(base_url=server.base_url, **options) as sync_client:
                    sync_client.chat(AGENT_ID, messages=MESSAGES, stream=True)
            else:

                async def main() -> None:
                    async with julep.AsyncJulepApi(base_url=server.base_url, **options) as api:
                        await api.chat(AGENT_ID, messages=MESSAGES, stream=True)

                asyncio.run(main())
    assert isinstance(caught.value.__cause__, julep.APITimeoutError)
