"""Idempotency keys: the first response is replayed for every repeat."""

from __future__ import annotations

import asyncio
import sqlite3

import hypothesis
import orjson
import pytest
from hypothesis import strategies as st

from julep.server import LocalServer
from julep.server.db import Database
from julep.server.idempotency import IdempotencyStore
from julep.server.state import STATE
from julep.server.store import idempotency as store_records
from julep.server.store.idempotency import Record

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


async def test_requests_without_a_key_are_all_new(server: LocalServer, api: Api) -> None:
    """Without a key every request runs."""
    await api.post("/agents", json={"name": "b"})
    await api.post("/agents", json={"name": "b"})
    assert server.count("agents") == 2


async def test_a_key_reused_for_another_request_is_refused(server: LocalServer, api: Api) -> None:
    """Another body, path or method with a used key is a 422 naming the key, and writes nothing."""
    first = await api.post("/agents", json={"name": "Alice"}, headers=_key("k"))
    assert first.status == 201
    for path, body in (("/agents", {"name": "Bob"}), ("/users", {"name": "Alice"})):
        reply = await api.post(path, json=body, headers=_key("k"))
        assert reply.status == 422
        assert "Idempotency-Key 'k'" in reply.body["detail"]
    agent_id = first.body["id"]
    patched = await api.patch(f"/agents/{agent_id}", json={"name": "Bob"}, headers=_key("k"))
    assert patched.status == 422
    assert (server.count("agents"), server.count("users")) == (1, 0)
    assert (await api.get(f"/agents/{agent_id}")).body["name"] == "Alice"


async def test_failed_requests_leave_no_record(server: LocalServer, api: Api) -> None:
    """A 422 or 404 writes nothing, so a corrected retry with the same key runs."""
    first = await api.post("/agents", json={}, headers=_key("bad"))
    second = await api.post("/agents", json={"name": "now valid"}, headers=_key("bad"))
    assert (first.status, second.status) == (422, 201)
    assert "Idempotent-Replayed" not in second.headers
    missing = "/agents/00000000-0000-4000-8000-000000000000"
    assert (await api.delete(missing, headers=_key("gone"))).status == 404
    assert server.count("agents") == 1


async def test_an_overlong_key_is_refused(api: Api) -> None:
    """A key longer than 255 characters is a 422 that names the header."""
    reply = await api.post("/agents", json={"name": "a"}, headers=_key("k" * 256))
    assert reply.status == 422
    assert reply.body["detail"].startswith("Idempotency-Key")


async def test_a_key_that_is_not_utf8_is_a_422_not_a_500(server: LocalServer) -> None:
    """Raw bytes in the key reached SQLite as surrogate escapes: a 500 (which the SDK
    retries) and a traceback in the log."""
    body = b'{"name": "a"}'
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(
            b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nIdempotency-Key: \xff\xfe\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body)
        )
        answer = await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 422"), head
    assert orjson.loads(payload) == {"detail": "Idempotency-Key: must be UTF-8 text"}
    assert server.count("agents") == 0


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


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize(("record", "remember"), [(False, False), (True, False), (False, True)])
async def test_a_keyed_chat_is_replayed_whatever_it_writes(
    api: Api, record: bool, remember: bool, stream: bool
) -> None:
    """A chat with record and remember false wrote nothing, so it kept no record and its
    retry asked the model again (another answer, billed twice); now every keyed chat that
    answered is replayed (atkY repro/02)."""
    session_id = await api.session(await api.agent())
    key = _key(f"chat-{record}-{remember}-{stream}")
    headers = {**key, "Accept": "text/event-stream"} if stream else key
    options = {"record": record, "remember": remember, "stream": stream}
    first = await api.chat(session_id, "hello", headers=headers, **options)
    retry = await api.chat(session_id, "hello", headers=headers, **options)
    assert first.status == retry.status == 200
    # The same chat id and reply times: not a second run.
    if stream:
        assert sse_events(retry.body) == sse_events(first.body)
    else:
        assert retry.body == first.body
    assert retry.headers["Idempotent-Replayed"] == "true"
    other = await api.chat(session_id, "another", headers=key, **options)
    assert other.status == 422  # the key now belongs to the first chat


async def test_get_ignores_the_key(api: Api) -> None:
    """GET requests are safe already; a key on them changes nothing."""
    await api.get("/agents", headers=_key("g"))
    await api.agent()
    reply = await api.get("/agents", headers=_key("g"))
    assert len(reply.body["items"]) == 1
    assert "Idempotent-Replayed" not in reply.headers


async def test_the_store_is_bounded_and_expires() -> None:
    """Past its record or byte bound the oldest records go; a sweep drops expired ones."""
    db = Database(None)
    await db.open()
    try:
        store = IdempotencyStore(db, ttl=3600, max_records=3, max_bytes=10_000)
        await store.start()

        def put(conn: sqlite3.Connection, key: str, size: int) -> None:
            store.save(conn, key, Record(b"f" * 32, b"x" * size))

        for index in range(5):
            await db.run(put, f"k{index}", 10)
        assert (store.records, await db.run(_keys)) == (3, ["k2", "k3", "k4"])
        await db.run(put, "big", 9_900)
        # Past the byte bound an answer goes first: "big" is kept, without its results.
        assert await db.run(_keys) == ["k3", "k4", "big"]
        assert await db.run(_results, "big") == store_records.DROPPED
        assert store.bytes <= 10_000
        await store.aclose()
    finally:
        await db.close()


@hypothesis.settings(max_examples=40, deadline=None, database=None)
@hypothesis.given(
    writes=st.lists(
        st.tuples(st.sampled_from("abcdefgh"), st.integers(min_value=1, max_value=400)),
        min_size=1,
        max_size=40,
    )
)
def test_at_the_bound_a_write_does_not_count_the_whole_table(
    writes: list[tuple[str, int]],
) -> None:
    """Counting every record after each drop made every keyed write at the bound (100,000
    records) ~20 times slower; the counts follow the drops instead and stay exact."""

    async def scenario() -> None:
        db = Database(None)
        await db.open()
        try:
            store = IdempotencyStore(db, ttl=3600, max_records=4, max_bytes=1_500)
            await store.start()
            counted = store_records.totals

            def no_full_count(conn: sqlite3.Connection) -> tuple[int, int]:
                raise AssertionError("save() counted the whole table")

            store_records.totals = no_full_count
            try:
                for key, size in writes:
                    await db.run(
                        lambda conn, key=key, size=size: store.save(
                            conn, key, Record(b"f" * 32, b"x" * size)
                        )
                    )
            finally:
                store_records.totals = counted
            assert (store.records, store.bytes) == await db.run(counted)
            assert store.records <= 4
            assert store.bytes <= 1_500
            await store.aclose()
        finally:
            await db.close()

    asyncio.run(scenario())


async def test_expired_records_are_swept_while_running() -> None:
    """The sweeper drops expired records as the server runs, not only at start-up."""
    db = Database(None)
    await db.open()
    store = IdempotencyStore(db, ttl=0.05, sweep_seconds=0.05)
    try:
        await store.start()
        await db.run(lambda conn: store.save(conn, "old", Record(b"f", b"{}")))
        assert store.records == 1
        for _ in range(200):  # bounded: about 10 s
            if await db.run(_keys) == []:
                break
            await asyncio.sleep(0.05)
        assert (await db.run(_keys), store.records, store.bytes) == ([], 0, 0)
    finally:
        await store.aclose()
        await db.close()


def _results(conn: sqlite3.Connection, key: str) -> bytes:
    row = conn.execute("SELECT results FROM idempotent_requests WHERE key = ?", (key,)).fetchone()
    return bytes(row[0])


def _keys(conn: sqlite3.Connection) -> list[str]:
    return [row[0] for row in conn.execute("SELECT key FROM idempotent_requests ORDER BY rowid")]


@hypothesis.settings(max_examples=40, deadline=None, database=None)
@hypothesis.given(
    writes=st.lists(
        st.tuples(st.booleans(), st.integers(min_value=300, max_value=3_000)),
        min_size=1,
        max_size=30,
    )
)
def test_past_the_byte_bound_answers_go_before_any_record(
    writes: list[tuple[bool, int]],
) -> None:
    """Large answers (keyed chats) are dropped oldest first, their records kept; a small
    record (a create's ids) is never dropped while the count bound is not reached."""

    async def scenario() -> None:
        db = Database(None)
        await db.open()
        try:
            store = IdempotencyStore(db, ttl=3600, max_records=1_000, max_bytes=4_000)
            await store.start()
            small_keys = []
            for index, (small, size) in enumerate(writes):
                key = f"{'small' if small else 'large'}-{index}"
                results = b"s" * 40 if small else b"x" * size
                if small:
                    small_keys.append(key)
                await db.run(
                    lambda conn, key=key, results=results: store.save(
                        conn, key, Record(b"f" * 32, results)
                    )
                )
            kept = await db.run(_keys)
            assert kept == [f"{'small' if s else 'large'}-{i}" for i, (s, _) in enumerate(writes)]
            for key in small_keys:
                assert await db.run(_results, key) == b"s" * 40
            assert (store.records, store.bytes) == await db.run(store_records.totals)
            assert store.bytes <= 4_000
            # What was trimmed is the oldest: no kept answer is older than a dropped one.
            answers = [await db.run(_results, key) for key in kept if key.startswith("large")]
            dropped = [a == store_records.DROPPED for a in answers]
            assert dropped == sorted(dropped, reverse=True)
            await store.aclose()
        finally:
            await db.close()

    asyncio.run(scenario())


async def test_a_create_retried_after_large_chats_filled_the_store_is_replayed(
    server: LocalServer, api: Api
) -> None:
    """atkI's case, scaled down: keyed chats big enough to pass the byte bound drop their
    own answers, not a create's record; the create's retry is replayed, not run again.
    The oldest chat's retry is refused with a 422 naming the key, not run again."""
    assert server._runner is not None
    server._runner.app[STATE].idempotency.max_bytes = 200_000
    first = await api.post("/agents", json={"name": "mine"}, headers=_key("create-mine"))
    session_id = await api.session(await api.agent())
    for index in range(6):
        await api.chat(session_id, "x" * 60_000, headers=_key(f"big-{index}"))
    retried = await api.post("/agents", json={"name": "mine"}, headers=_key("create-mine"))
    assert retried.headers["Idempotent-Replayed"] == "true"
    assert retried.body["id"] == first.body["id"]
    assert server.count("agents") == 2  # "mine" and the chat's agent: no second "mine"
    history = await api.get(f"/sessions/{session_id}/history")
    again = await api.chat(session_id, "x" * 60_000, headers=_key("big-0"))
    assert again.status == 422
    assert "'big-0'" in again.body["detail"] and "no longer kept" in again.body["detail"]
    after = await api.get(f"/sessions/{session_id}/history")
    assert len(after.body["items"]) == len(history.body["items"])  # nothing ran twice
