"""The events that arrived before a stream's connection broke are read, not lost.

aiohttp's ``readany()`` raises a broken connection's error ahead of the bytes
still buffered: a reply that came whole (deltas, final event, ``[DONE]``) in a
chunked body whose closing chunk never came was reported broken, with no
chunks and an empty ``partial_text``.
"""

from __future__ import annotations

import asyncio

import hypothesis
import orjson
from hypothesis import given
from hypothesis import strategies as st

import julep

from .test_stranger_network import AGENT_ID, ScriptedServer, read_head

CHAT_ID = "4fa85f64-5717-4562-b3fc-2c963f66afa6"
MESSAGES = [{"role": "user", "content": "hi"}]


def _event(payload: object) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def _delta(text: str) -> bytes:
    return _event({"id": CHAT_ID, "index": 0, "delta": {"role": "assistant", "content": text}})


FINAL = _event(
    {
        "id": CHAT_ID,
        "finish_reason": "stop",
        "usage": {"completion_tokens": 2, "prompt_tokens": 1, "total_tokens": 3},
        "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
        "jobs": [],
        "response": [
            [
                {
                    "id": CHAT_ID,
                    "role": "assistant",
                    "content": "Hello world",
                    "created_at": "2024-01-01T00:00:00Z",
                }
            ]
        ],
    }
)
HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"


def _server(body: bytes) -> ScriptedServer:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        # One chunk, then the connection closes: no closing 0-chunk.
        writer.write(HEAD + b"%x\r\n%s\r\n" % (len(body), body))
        await writer.drain()
        writer.close()

    return ScriptedServer(handler)


def _read(base_url: str) -> tuple[list[str], str | None, str | None]:
    """The deltas read, the final text (None if it failed), the partial text of the error."""

    async def main() -> tuple[list[str], str | None, str | None]:
        deltas: list[str] = []
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, max_retries=0, timeout=5
        ) as client:
            try:
                async with client.chat_stream(AGENT_ID, messages=MESSAGES) as stream:
                    async for chunk in stream:
                        if chunk.delta is not None and chunk.delta.content:
                            deltas.append(chunk.delta.content)
            except julep.StreamConnectionError as error:
                return deltas, None, error.partial_text
            content = stream.final_response.response[0][0].content
            assert isinstance(content, str)
            return deltas, content, None

    return asyncio.run(main())


def test_a_whole_reply_before_the_break_is_whole() -> None:
    body = _delta("Hello") + _delta(" world") + FINAL + b"data: [DONE]\n\n"
    with _server(body) as server:
        assert _read(server.base_url) == (["Hello", " world"], "Hello world", None)


@hypothesis.settings(max_examples=10, deadline=None)
@given(words=st.lists(st.sampled_from(["a", " b", " cd", "é"]), min_size=1, max_size=4))
def test_the_deltas_before_the_break_are_read_and_in_partial_text(words: list[str]) -> None:
    body = b"".join(_delta(word) for word in words)
    with _server(body) as server:
        deltas, final, partial = _read(server.base_url)
    assert (deltas, final, partial) == (words, None, "".join(words))
