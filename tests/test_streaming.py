"""Streamed chat: SSE decoding, typed chunks, the final reply, errors mid-stream, closing early."""

from __future__ import annotations

import typing

import orjson
import pytest
from aioresponses import aioresponses

import julep
from julep._sse import Event, SSEDecoder
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, respond, sent
from .wire.samples import CHAT_RESPONSE, MESSAGE, SESSION_ID

MESSAGES = [{"role": "user", "content": "hi"}]


def _sse(*events: typing.Any) -> bytes:
    out = b": keep-alive\n\n"
    for event in events:
        data = event if isinstance(event, str) else orjson.dumps(event).decode()
        out += f"data: {data}\n\n".encode()
    return out


def _words(*words: str) -> list[dict[str, typing.Any]]:
    return [
        {"id": MESSAGE["id"], "index": 0, "delta": {"role": "assistant", "content": word}}
        for word in words
    ]


FINAL = {**CHAT_RESPONSE, "response": [[{**MESSAGE, "content": "Hello Ada."}]]}
STREAM = _sse(*_words("Hello", " Ada."), FINAL, "[DONE]")
SSE_HEADERS = {"Content-Type": "text/event-stream"}


def test_decoder_handles_fields_comments_and_multiline_data() -> None:
    """Comments are ignored; data lines join with newlines; a blank line ends an event."""
    decoder = SSEDecoder()
    lines = [": ping", "event: delta", "id: 3", "data: a", "data:b", "", "", "data: [DONE]", ""]
    events = [event for line in lines for event in decoder.feed(line.encode() + b"\n")]
    assert events == [Event(data="a\nb", event="delta", id="3"), Event(data="[DONE]", id="3")]


@pytest.mark.anyio
async def test_async_stream_yields_chunks_and_the_final_response() -> None:
    """Chunks arrive typed; text accumulates; final_response is the whole ChatResponse."""
    with aioresponses() as mock:
        respond(mock, "POST", body=STREAM, headers=SSE_HEADERS)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            stream = client.chat_stream(SESSION_ID, messages=MESSAGES, max_tokens=5)
            async with stream:
                chunks = [chunk async for chunk in stream]
        (request,) = sent(mock)
    assert request.headers["Accept"] == "text/event-stream"
    assert request.json() == {"messages": MESSAGES, "max_tokens": 5, "stream": True}
    assert [c.delta.content for c in chunks if c.delta] == ["Hello", " Ada."]
    assert all(isinstance(c, julep.ChatResponseChunk) for c in chunks)
    assert stream.text == "Hello Ada."
    final = stream.final_response
    assert isinstance(final, julep.ChatResponse)
    assert final.finish_reason is julep.ChatResponseFinishReason.STOP
    assert final.usage.total_tokens == 12
    assert final.response[0][0].content == "Hello Ada."


@pytest.mark.anyio
async def test_chat_with_stream_true_returns_the_whole_response() -> None:
    """chat(stream=True) keeps the seed's return type: it reads the stream itself."""
    with aioresponses() as mock:
        respond(mock, "POST", body=STREAM, headers=SSE_HEADERS)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            reply = await client.chat(SESSION_ID, messages=MESSAGES, stream=True)
    assert isinstance(reply, julep.ChatResponse)
    assert reply.response[0][0].content == "Hello Ada."


@pytest.mark.anyio
async def test_a_streamed_reply_says_what_response_it_came_from() -> None:
    """response_info on a streamed ChatResponse, as on one read whole: status, request id."""
    headers = {**SSE_HEADERS, "x-request-id": "req-9"}
    with aioresponses() as mock:
        respond(mock, "POST", body=STREAM, headers=headers, repeat=True)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            reply = await client.chat(SESSION_ID, messages=MESSAGES, stream=True)
            stream = client.chat_stream(SESSION_ID, messages=MESSAGES)
            final = await stream.until_done()
    for model in (reply, final):
        info = model.response_info
        assert info is not None
        assert (info.status_code, info.request_id, info.retries_taken) == (200, "req-9", 0)
        assert info.elapsed >= 0


@pytest.mark.anyio
async def test_json_answer_to_a_stream_request_is_one_chunk() -> None:
    """A server that answers JSON to a stream request still gives chunks and a final reply."""
    with aioresponses() as mock:
        respond(mock, "POST", payload=CHAT_RESPONSE)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            stream = client.chat_stream(SESSION_ID, messages=MESSAGES)
            reply = await stream.until_done()
    assert reply.id == CHAT_RESPONSE["id"]
    assert stream.text == "Hello Ada."


@pytest.mark.anyio
async def test_error_mid_stream_carries_the_partial_text() -> None:
    """An error event after some text raises StreamError holding that text."""
    body = _sse(*_words("Hello", " there"), {"error": {"message": "model crashed"}})
    with aioresponses() as mock:
        respond(mock, "POST", body=body, headers=SSE_HEADERS)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            stream = client.chat_stream(SESSION_ID, messages=MESSAGES)
            with pytest.raises(julep.StreamError) as caught:
                async for _ in stream:
                    pass
    assert caught.value.partial_text == "Hello there"
    assert "model crashed" in str(caught.value)


@pytest.mark.anyio
async def test_chat_stream_true_raises_an_error_event_without_retrying() -> None:
    """chat(stream=True) retries a stream whose connection broke, never one the server
    ended with an error event: that request is sent once."""
    body = _sse(*_words("Hello"), {"error": {"message": "model crashed"}})
    with aioresponses() as mock:
        respond(mock, "POST", body=body, headers=SSE_HEADERS, repeat=True)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(julep.StreamError) as caught:
                await client.chat(SESSION_ID, messages=MESSAGES, stream=True)
        assert len(sent(mock)) == 1
    assert "model crashed" in str(caught.value)
    assert caught.value.retries_taken == 0


@pytest.mark.anyio
async def test_stream_cut_before_its_end_is_a_stream_error() -> None:
    """A stream that stops without its final event is an error, not a short reply."""
    with aioresponses() as mock:
        respond(mock, "POST", body=_sse(*_words("Hel")), headers=SSE_HEADERS)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(julep.StreamError) as caught:
                await client.chat_stream(SESSION_ID, messages=MESSAGES).until_done()
    assert caught.value.partial_text == "Hel"


@pytest.mark.anyio
async def test_status_error_before_the_stream_is_a_status_error() -> None:
    """A 404 for the session raises NotFoundError, not a stream error."""
    with aioresponses() as mock:
        respond(mock, "POST", status=404, payload={"detail": "Session not found"})
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(julep.NotFoundError):
                await client.chat_stream(SESSION_ID, messages=MESSAGES).until_done()


@pytest.mark.anyio
async def test_final_response_before_the_end_is_an_error() -> None:
    """Asking for the final reply too early is a clear error."""
    async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
        stream = client.chat_stream(SESSION_ID, messages=MESSAGES)
        with pytest.raises(julep.JulepError, match="not finished"):
            _ = stream.final_response
        await stream.aclose()


def test_sync_stream_iterates_and_closes_on_break() -> None:
    """The sync twin iterates the same chunks; breaking out closes the stream."""
    with aioresponses() as mock:
        respond(mock, "POST", body=STREAM, headers=SSE_HEADERS, repeat=True)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with client.chat_stream(SESSION_ID, messages=MESSAGES) as stream:
                texts = [c.delta.content for c in stream if c.delta]
            assert texts == ["Hello", " Ada."]
            assert stream.final_response.response[0][0].content == "Hello Ada."
            early = client.chat_stream(SESSION_ID, messages=MESSAGES)
            for _ in early:
                break
            early.close()
            assert early._closed
            assert client.chat(SESSION_ID, messages=MESSAGES, stream=True).id == MESSAGE["id"]
