"""Streamed chats: server-sent events when Accept asks for them, JSON otherwise."""

from __future__ import annotations

import orjson
import pytest

from .helpers import Api, sse_events

pytestmark = pytest.mark.anyio
SSE = {"Accept": "text/event-stream"}


async def _session(api: Api) -> str:
    return await api.session(await api.agent(), await api.user())


async def test_stream_with_json_accept_answers_json(api: Api) -> None:
    """stream: true with Accept: application/json (what 0.3.x sends) gets a plain ChatResponse."""
    session_id = await _session(api)
    reply = await api.chat(session_id, "hello", stream=True)
    assert reply.status == 200
    assert reply.headers["Content-Type"].startswith("application/json")
    assert reply.body["finish_reason"] == "stop"


async def test_stream_sends_word_chunks_then_the_response_then_done(api: Api) -> None:
    """The stream is one delta per word, a final event with the whole ChatResponse, then [DONE]."""
    session_id = await _session(api)
    reply = await api.chat(session_id, "hello big world", stream=True, headers=SSE)
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/event-stream"
    assert reply.headers["Cache-Control"] == "no-cache"
    *chunks, final, done = sse_events(reply.body)
    assert done == "[DONE]"
    deltas = [orjson.loads(chunk) for chunk in chunks]
    response = orjson.loads(final)
    assert {d["id"] for d in deltas} == {response["id"]}
    assert all(d["index"] == 0 and d["delta"]["role"] == "assistant" for d in deltas)
    pieces = [d["delta"]["content"] for d in deltas]
    assert pieces[0] == "You" and all(p.startswith(" ") for p in pieces[1:])
    content = response["response"][0][0]["content"]
    assert "".join(pieces) == content
    assert len(pieces) == len(content.split())
    assert set(response) == {"id", "finish_reason", "usage", "jobs", "doc_ids", "response"}


async def test_stream_records_like_a_normal_chat(api: Api) -> None:
    """A streamed exchange is recorded and forms memories like any other."""
    session_id = await _session(api)
    reply = await api.chat(session_id, "hello", stream=True, headers=SSE)
    final = orjson.loads(sse_events(reply.body)[-2])
    history = (await api.get(f"/sessions/{session_id}/history")).body["items"]
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert history[-1]["id"] == final["response"][0][0]["id"]
    assert len(final["jobs"]) == 1


async def test_stream_honours_max_tokens(api: Api) -> None:
    """A cut reply streams only the kept words and finishes with length."""
    session_id = await _session(api)
    reply = await api.chat(session_id, "a b c d e", stream=True, max_tokens=2, headers=SSE)
    *chunks, final, _ = sse_events(reply.body)
    assert len(chunks) == 2
    assert orjson.loads(final)["finish_reason"] == "length"


async def test_errors_before_the_stream_are_plain_json(api: Api) -> None:
    """An unknown session is a normal 404 even when a stream was asked for."""
    reply = await api.chat("00000000-0000-4000-8000-000000000000", "x", stream=True, headers=SSE)
    assert (reply.status, reply.body) == (404, {"detail": "Session not found"})


@pytest.mark.parametrize(
    ("accept", "streamed"),
    [
        ("text/event-stream", True),
        ("TEXT/Event-Stream", True),  # media types are case-insensitive
        ("application/json, text/event-stream;q=0.5", True),
        ("text/event-stream;q=0", False),  # q=0: not acceptable (RFC 9110)
        ("text/event-stream; q=0.0, application/json", False),
        ("text/event-stream;q=x", False),
        ("*/*", False),  # only an explicit text/event-stream asks for a stream
        ("application/json", False),
    ],
)
async def test_accept_is_read_as_media_ranges(api: Api, accept: str, streamed: bool) -> None:
    """A stream is sent when Accept names text/event-stream, in any case, with a weight above 0."""
    session_id = await _session(api)
    reply = await api.chat(session_id, "hello", stream=True, headers={"Accept": accept})
    assert reply.status == 200
    kind = "text/event-stream" if streamed else "application/json"
    assert reply.headers["Content-Type"].startswith(kind), accept
