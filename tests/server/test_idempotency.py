"""Idempotency keys: the first response is replayed for every repeat."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from julep.server import LocalServer

from .helpers import Api, sse_events

pytestmark = pytest.mark.anyio


def _key(value: str) -> dict[str, str]:
    return {"Idempotency-Key": value}


async def test_a_repeated_create_is_replayed_not_repeated(server: LocalServer, api: Api) -> None:
    """The same key creates once; the repeat gets the same body and a replay header."""
    first = await api.post("/agents", json={"name": "Ann"}, headers=_key("k1"))
    second = await api.post("/agents", json={"name": "Ann"}, headers=_key("k1"))
    assert first.status == second.status == 201
    assert first.body == second.body
    assert "Idempotent-Replayed" not in first.headers
    assert second.headers["Idempotent-Replayed"] == "true"
    assert server.count("agents") == 1


async def test_keys_are_scoped_to_method_and_path(server: LocalServer, api: Api) -> None:
    """The same key on another path, or no key at all, is a new request."""
    await api.post("/agents", json={"name": "a"}, headers=_key("k"))
    await api.post("/users", json={"name": "u"}, headers=_key("k"))
    await api.post("/agents", json={"name": "b"})
    await api.post("/agents", json={"name": "c"})
    assert (server.count("agents"), server.count("users")) == (3, 1)


async def test_errors_are_replayed_too(api: Api) -> None:
    """A 4xx answer is the first response as well, and is replayed."""
    first = await api.post("/agents", json={}, headers=_key("bad"))
    second = await api.post("/agents", json={"name": "now valid"}, headers=_key("bad"))
    assert first.status == second.status == 422
    assert second.headers["Idempotent-Replayed"] == "true"


async def test_a_repeated_delete_replays_202(api: Api) -> None:
    """Deleting twice with one key answers 202 twice instead of 202 then 404."""
    agent_id = await api.agent()
    replies = [await api.delete(f"/agents/{agent_id}", headers=_key("d")) for _ in range(2)]
    assert [r.status for r in replies] == [202, 202]


async def test_concurrent_duplicates_run_once(server: LocalServer, api: Api) -> None:
    """Repeats that arrive while the first is running wait for it and replay it."""
    session_id = await api.session(await api.agent(), await api.user())
    replies = await asyncio.gather(
        *(api.chat(session_id, "once", headers=_key("same-chat")) for _ in range(10))
    )
    assert len({orjson.dumps(r.body) for r in replies}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in replies) == 9
    assert server.count("messages") == 2


async def test_a_streamed_chat_replays_as_json_or_stream_by_accept(api: Api) -> None:
    """A kept streamed chat is replayed as a stream or as JSON, as the repeat's Accept asks."""
    session_id = await api.session(await api.agent())
    headers = {**_key("s"), "Accept": "text/event-stream"}
    first = await api.chat(session_id, "hi there", stream=True, headers=headers)
    streamed = await api.chat(session_id, "hi there", stream=True, headers=headers)
    as_json = await api.chat(session_id, "hi there", stream=True, headers=_key("s"))
    assert streamed.headers["Content-Type"] == "text/event-stream"
    assert streamed.headers["Idempotent-Replayed"] == "true"
    assert sse_events(streamed.body) == sse_events(first.body)
    assert as_json.body == orjson.loads(sse_events(first.body)[-2])
    history = (await api.get(f"/sessions/{session_id}/history")).body["items"]
    assert len(history) == 2


async def test_get_ignores_the_key(api: Api) -> None:
    """GET requests are safe already; a key on them changes nothing."""
    await api.get("/agents", headers=_key("g"))
    await api.agent()
    reply = await api.get("/agents", headers=_key("g"))
    assert len(reply.body["items"]) == 1
    assert "Idempotent-Replayed" not in reply.headers
