"""A stream that broke off carries its response's ``x-request-id``, the key blanked.

``StreamError`` had no ``request_id``, while ``ResponseValidationError`` and
``ResponseTooLargeError`` had one: a reply that broke off could not be traced.
"""

from __future__ import annotations

import asyncio
import typing

import pytest

import julep

from .test_stranger_network import AGENT_ID, ScriptedServer, read_head

KEY = "sekret-key-abcdef"
MESSAGES = [{"role": "user", "content": "hi"}]
DELTA = b'data: {"id": "c1", "delta": {"role": "assistant", "content": "Hel"}}\n\n'


def _head(request_id: str) -> bytes:
    return (
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        f"Transfer-Encoding: chunked\r\nx-request-id: {request_id}\r\n\r\n"
    ).encode()


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data)


BREAKS = {
    # How the stream ends: the error it gives.
    "cut": (b"", julep.StreamConnectionError),
    "error event": (_chunk(b'data: {"error": {"message": "overloaded"}}\n\n'), julep.StreamError),
    "junk event": (_chunk(b"data: {junk\n\n"), julep.StreamError),
    "idle": (b"stall", julep.StreamTimeoutError),
}


@pytest.mark.parametrize("how", list(BREAKS))
@pytest.mark.parametrize("client", ["sync-stream", "async-chat"])
@pytest.mark.parametrize("request_id", ["req-123", f"req-{KEY}"])
def test_a_broken_stream_names_its_request_id(how: str, client: str, request_id: str) -> None:
    tail, expected = BREAKS[how]

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(_head(request_id) + _chunk(DELTA))
        if tail == b"stall":
            await writer.drain()
            await asyncio.sleep(2)
        else:
            writer.write(tail)
        await writer.drain()
        writer.close()

    options: dict[str, typing.Any] = {
        "api_key": KEY,
        "max_retries": 0,
        "timeout": julep.Timeout(read=5, total=5, stream_idle=0.3),
    }
    with ScriptedServer(handler) as server, pytest.raises(expected) as caught:
        if client == "sync-stream":
            with julep.JulepApi(base_url=server.base_url, **options) as sync:
                with sync.chat_stream(AGENT_ID, messages=MESSAGES) as stream:
                    for _chunk_read in stream:
                        pass
        else:

            async def main() -> None:
                async with julep.AsyncJulepApi(base_url=server.base_url, **options) as api:
                    await api.chat(AGENT_ID, messages=MESSAGES, stream=True)

            asyncio.run(main())
    assert caught.value.request_id == request_id.replace(KEY, "<redacted>")
    assert caught.value.partial_text == "Hel"
