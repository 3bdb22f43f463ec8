"""A response cut within its status line or headers is said in words.

The error's text was aiohttp's half-parsed message repr: ``ServerDisconnectedError:
<RawResponseMessage(... headers=<CIMultiDictProxy('Set-Cookie': ...)>`` with every
header received, in the message and in each retry's log line.
"""

from __future__ import annotations

import asyncio

import hypothesis
from hypothesis import given
from hypothesis import strategies as st

import julep

from .test_stranger_network import ScriptedServer, read_head


@hypothesis.settings(max_examples=10, deadline=None)
@given(
    head=st.sampled_from(
        [
            b"HTTP/1.1 20",
            b"HTTP/1.1 200 OK\r\n",
            b"HTTP/1.1 200 OK\r\nSet-Cookie: session=s3cr3t\r\n",
            b"HTTP/1.1 503 Busy\r\nSet-Cookie: session=s3cr3t\r\nX-A: b",
        ]
    )
)
def test_a_head_cut_short_is_said_in_words_without_its_headers(head: bytes) -> None:
    """The error was aiohttp's half-parsed message repr, every header received in it."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(head)
        await writer.drain()
        writer.close()

    async def main(base_url: str) -> str:
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, max_retries=0, timeout=5
        ) as client:
            try:
                await client.list_agents()
            except julep.APIConnectionError as error:
                return str(error)
        raise AssertionError("no error")

    with ScriptedServer(handler) as server:
        message = asyncio.run(main(server.base_url))
    assert "in the middle of the response's status line and headers" in message
    assert "RawResponseMessage" not in message and "s3cr3t" not in message
