"""Fault injection: 500 and 429 before the handler, reset after it, delays; counted."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid
from pathlib import Path

import aiohttp
import pytest

from julep.server import LocalServer
from julep.server.faults import FaultPlan

from .helpers import Api, Reply

pytestmark = pytest.mark.anyio
MAX_ATTEMPTS = 30


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("boom=0.1", "expected KIND=PROBABILITY"),
        ("500=2", "between 0 and 1"),
        ("500=x", "needs a probability"),
        ("500=0.6,429=0.6", "add up to more than 1"),
        ("delay=0.1", "delay needs P:DURATION"),
        ("delay=0.1:soon", "duration like 200ms"),
        ("500=0.9,500=0.0", "500 is given twice"),
        ("delay=0.1:1s, reset=0.1, delay=0.2:2s", "delay is given twice"),
    ],
)
def test_bad_specs_are_refused_up_front(spec: str, message: str) -> None:
    """A spec that does not parse raises ValueError when the server is made."""
    with pytest.raises(ValueError, match=message):
        LocalServer(faults=spec)


def test_spec_parsing() -> None:
    """Probabilities and the delay's duration (ms, s or bare milliseconds) are read."""
    plan = FaultPlan.parse("500=0.1, 429=0.05,reset=0.05,delay=0.05:200ms")
    assert plan.probabilities == {"500": 0.1, "429": 0.05, "reset": 0.05, "delay": 0.05}
    assert plan.delay_seconds == 0.2
    assert FaultPlan.parse("delay=1:1.5s").delay_seconds == 1.5
    assert FaultPlan.parse("delay=1:30").delay_seconds == 0.03


def test_a_seed_repeats_the_same_faults() -> None:
    """Two plans with the same seed draw the same faults in the same order."""
    spec = "500=0.3,429=0.3,reset=0.2,delay=0.5:1ms"
    first, second = FaultPlan.parse(spec, seed=7), FaultPlan.parse(spec, seed=7)
    draws = [first.draw() for _ in range(50)]
    assert draws == [second.draw() for _ in range(50)]
    assert {kind for kind, _ in draws} == {"500", "429", "reset", None}


async def test_500_and_429_answer_before_anything_is_done() -> None:
    """Injected 500/429 answer at once and apply nothing; a 429 says when to retry."""
    for spec, status in (("500=1", 500), ("429=1", 429)):
        async with LocalServer(faults=spec) as server, aiohttp.ClientSession() as session:
            reply = await Api(session, server.base_url).post("/agents", json={"name": "x"})
            assert reply.status == status and "Injected fault" in reply.body["detail"]
            if status == 429:
                assert (reply.headers["Retry-After"], reply.headers["retry-after-ms"]) == (
                    "0",
                    "20",
                )
            assert server.count("agents") == 0
            assert server.fault_counts[spec[:3]] == 1


async def test_reset_applies_the_work_and_drops_the_connection() -> None:
    """An injected reset runs the handler, then aborts the connection without an answer."""
    async with LocalServer(faults="reset=1") as server, aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientConnectionError):
            await Api(session, server.base_url).post("/agents", json={"name": "x"})
        assert server.count("agents") == 1
        assert server.fault_counts == {"500": 0, "429": 0, "reset": 1, "delay": 0}


async def test_reset_of_a_stream_records_but_never_finishes(tmp_path: Path) -> None:
    """A reset streamed chat is recorded, but the stream breaks off before its end."""
    db = str(tmp_path / "julep.db")
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        session_id = await api.session(await api.agent())
    async with LocalServer(db=db, faults="reset=1") as server, aiohttp.ClientSession() as session:
        url = f"{server.base_url}/sessions/{session_id}/chat"
        body = {"messages": [{"role": "user", "content": "hi"}], "stream": True}
        headers = {"Accept": "text/event-stream"}
        with pytest.raises((aiohttp.ClientPayloadError, aiohttp.ClientConnectionError)):
            async with session.post(url, json=body, headers=headers) as response:
                await response.read()
        assert server.count("messages") == 2
        assert server.fault_counts["reset"] == 1


async def test_delays_are_counted_and_the_openapi_document_is_exempt() -> None:
    """Delays are injected and counted; /api/openapi.json never gets a fault."""
    async with (
        LocalServer(faults="500=1,delay=1:1ms") as server,
        aiohttp.ClientSession() as session,
    ):
        api = Api(session, server.base_url)
        assert (await api.get("/openapi.json")).status == 200
        assert (await api.get("/agents")).status == 500
        assert server.fault_counts == {"500": 1, "429": 0, "reset": 0, "delay": 1}


async def _retrying(api: Api, method: str, path: str, body: object) -> Reply:
    """What an SDK does: retry 429/5xx and dropped connections with the same key."""
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    for _ in range(MAX_ATTEMPTS):
        try:
            reply = await api.request(method, path, json=body, headers=headers)
        except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError):
            continue
        if reply.status not in (429, 500):
            return reply
    raise AssertionError(f"{method} {path} failed {MAX_ATTEMPTS} times")


async def test_idempotent_retries_apply_each_change_exactly_once() -> None:
    """Under 500s, 429s, resets and delays, keyed retries create exactly what was asked."""
    spec = "500=0.15,429=0.1,reset=0.15,delay=0.05:2ms"
    async with (
        LocalServer(faults=spec, faults_seed=1234) as server,
        aiohttp.ClientSession() as session,
    ):
        api = Api(session, server.base_url)
        agents = [await _retrying(api, "POST", "/agents", {"name": f"a{i}"}) for i in range(150)]
        assert {reply.status for reply in agents} == {201}
        session_reply = await _retrying(
            api, "POST", "/sessions", {"agent_id": agents[0].body["id"]}
        )
        session_id = session_reply.body["id"]
        for index in range(100):
            body = {"messages": [{"role": "user", "content": f"m{index}"}], "remember": False}
            assert (
                await _retrying(api, "POST", f"/sessions/{session_id}/chat", body)
            ).status == 200
        assert server.count("agents") == 150
        assert server.count("messages") == 200
        counts = server.fault_counts
        assert all(counts[kind] > 0 for kind in ("500", "429", "reset", "delay")), counts


def test_a_restarted_server_repeats_its_seeded_faults() -> None:
    """Each start of a seeded server draws the same faults for the same requests, and
    counts its own (a restart went on with the first run's sequence and counts)."""
    server = LocalServer(faults="500=0.3,429=0.3", faults_seed=42)
    runs = []
    for _ in range(2):
        with server:
            statuses = []
            for _ in range(12):
                try:
                    with urllib.request.urlopen(server.base_url + "/agents", timeout=10) as reply:
                        statuses.append(reply.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)
            runs.append((statuses, server.fault_counts))
    assert runs[0] == runs[1]
    assert {500, 429, 200} <= set(runs[0][0])
