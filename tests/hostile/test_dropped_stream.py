"""A stream dropped after ``break`` gives its connection back at once, not at the next GC."""

from __future__ import annotations

import asyncio
import gc

import hypothesis
from hypothesis import given
from hypothesis import strategies as st

import julep

from .test_stranger_network import AGENT_ID, ScriptedServer, _endless_stream

MESSAGES = [{"role": "user", "content": "hi"}]


@hypothesis.settings(max_examples=5, deadline=None)
@given(chunks_read=st.integers(min_value=1, max_value=4), keep_name=st.booleans())
def test_a_dropped_async_stream_frees_its_connection_without_the_cyclic_gc(
    chunks_read: int, keep_name: bool
) -> None:
    """With the cyclic collector off, an unreferenced stream already gave its connection back."""

    async def main(base_url: str) -> str:
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, connection_limit=1, timeout=5, max_retries=0
        ) as client:
            stream = client.chat_stream(AGENT_ID, messages=MESSAGES)
            read = 0
            async for _chunk in stream:
                read += 1
                if read == chunks_read:
                    break
            if keep_name:
                del stream
            else:
                stream = None  # type: ignore[assignment]
            await asyncio.sleep(0.05)
            assert client._transport.connections_in_use() == 0
            return (await asyncio.wait_for(client.get_agent(AGENT_ID), 2)).name

    gc.collect()
    gc.disable()
    try:
        with ScriptedServer(_endless_stream) as server:
            assert asyncio.run(main(server.base_url)) == "next"
    finally:
        gc.enable()
