"""Under injected faults, every call succeeds once: nothing lost, nothing doubled.

Loopback only; every loop is bounded in count and in time.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
import typing

import pytest

import julep
from julep import RetryPolicy
from julep.client import AsyncJulepApi, JulepApi
from julep.server import LocalServer

pytestmark = pytest.mark.faults

CALLS = 2000
CONCURRENCY = 64
# 20% of requests fail: 500 and 429 before any work, reset after the work.
FAULTS = "500=0.08,429=0.06,reset=0.06,delay=0.05:20ms"
# Thirteen attempts: a call fails only if all draw a fault, 0.2**13 (about 1 in 1.2 billion);
# with seven it was 1 in 80,000 a call, so one run of 4,000 calls in 20 failed (CI saw it).
PATIENT = RetryPolicy(max_retries=12, initial_delay=0.01, max_delay=0.2)
TIME_LIMIT = 240.0


async def _bounded(calls: typing.Iterable[typing.Awaitable[typing.Any]]) -> list[typing.Any]:
    """Run at most CONCURRENCY calls at a time, all within TIME_LIMIT seconds."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call: typing.Awaitable[typing.Any]) -> typing.Any:
        async with gate:
            return await call

    return await asyncio.wait_for(asyncio.gather(*(one(c) for c in calls)), TIME_LIMIT)


@pytest.mark.anyio
async def test_creates_and_chats_through_faults_apply_exactly_once() -> None:
    """2,000 creates and 2,000 chats at concurrency 64 through 20% faults all succeed, once each."""
    async with LocalServer(faults=FAULTS, faults_seed=2026) as server:
        async with AsyncJulepApi(
            api_key="k", base_url=server.base_url, max_retries=PATIENT, connection_limit=CONCURRENCY
        ) as client:
            agents_before = server.count("agents")
            created = await _bounded(
                client.create_agent(name=f"agent-{i}", metadata={"i": i}) for i in range(CALLS)
            )
            agent_id = created[0].id
            session_id = (await client.create_session(agent_id=agent_id)).id
            messages_before = server.count("messages")
            replies = await _bounded(
                client.chat(
                    session_id,
                    messages=[{"role": "user", "content": f"question {i}"}],
                    remember=False,
                    recall=False,
                )
                for i in range(CALLS)
            )
            retries = sum(r.response_info.retries_taken for r in [*created, *replies])
            faults = server.fault_counts
            agents_after = server.count("agents")
            messages_after = server.count("messages")
    print(f"\nfaults injected: {faults}; retries taken: {retries}")
    assert len({agent.id for agent in created}) == CALLS
    assert agents_after - agents_before == CALLS
    assert len(replies) == CALLS
    # One exchange is the user's message and the reply: two rows each.
    assert messages_after - messages_before == 2 * CALLS
    assert faults["reset"] > 0 and faults["500"] > 0 and faults["429"] > 0
    assert retries >= faults["reset"] + faults["500"] + faults["429"] - 10


@pytest.mark.anyio
async def test_chat_stream_true_is_retried_when_its_stream_breaks_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """chat(stream=True) reads the stream itself: a reset after the stream opened is retried
    with the call's key, and the server replays the answer (one exchange per call); each
    retry writes the log line every retried call writes."""
    caplog.set_level(logging.INFO, logger="julep")
    calls = 60
    async with LocalServer(faults="reset=0.3", faults_seed=7) as server:
        async with AsyncJulepApi(
            api_key="k", base_url=server.base_url, max_retries=PATIENT
        ) as client:
            session_id = (
                await client.create_session(agent_id=(await client.create_agent(name="a")).id)
            ).id
            replies = [
                await client.chat(
                    session_id,
                    messages=[{"role": "user", "content": f"q{i}"}],
                    stream=True,
                    remember=False,
                )
                for i in range(calls)
            ]
            resets = server.fault_counts["reset"]
            messages = server.count("messages")
    for i, reply in enumerate(replies):
        assert reply.response[0][0].content.startswith(f'You said: "q{i}".')
    assert messages == 2 * calls
    assert resets > 0
    # (A reset drawn by a replayed stream cuts it after its end: nothing to retry.)
    retried = sum(reply.response_info.retries_taken for reply in replies)
    assert 0 < retried <= resets
    failures = [r.getMessage() for r in caplog.records if "/chat failed: " in r.getMessage()]
    assert len(failures) == retried


@pytest.mark.anyio
async def test_cancelling_in_flight_chats_leaves_the_client_clean() -> None:
    """500 chats cancelled mid-flight free every connection; the next 500 all succeed."""
    async with LocalServer(faults="delay=1.0:500ms") as server:
        async with AsyncJulepApi(api_key="k", base_url=server.base_url) as client:
            agent_id = (await client.create_agent(name="a")).id
            session_id = (await client.create_session(agent_id=agent_id)).id

            def chat() -> typing.Awaitable[julep.ChatResponse]:
                return client.chat(
                    session_id, messages=[{"role": "user", "content": "hi"}], remember=False
                )

            tasks = [asyncio.ensure_future(chat()) for _ in range(500)]
            await asyncio.sleep(0.2)
            assert not any(task.done() for task in tasks)
            for task in tasks:
                task.cancel()
            results = await asyncio.gather(*tasks, return_exceptions=True)
            assert all(isinstance(r, asyncio.CancelledError) for r in results)
            assert client._transport.connections_in_use() == 0
            replies = await asyncio.wait_for(asyncio.gather(*(chat() for _ in range(500))), 120)
            assert len(replies) == 500
            assert client._transport.connections_in_use() == 0


def test_ctrl_c_in_a_sync_streaming_loop_closes_the_stream() -> None:
    """A SIGINT while iterating a sync stream closes it; the client keeps working."""
    with LocalServer(faults="delay=0.5:300ms", faults_seed=3) as server:
        with JulepApi(api_key="k", base_url=server.base_url) as client:
            agent_id = client.create_agent(name="a").id
            session_id = client.create_session(agent_id=agent_id).id
            messages = [{"role": "user", "content": "tell me a long story"}]
            stream = client.chat_stream(session_id, messages=messages, remember=False)
            timer = threading.Timer(0.05, os.kill, (os.getpid(), signal.SIGINT))
            timer.start()
            try:
                with pytest.raises(KeyboardInterrupt), stream:
                    for _ in stream:
                        threading.Event().wait(0.5)  # a slow consumer, interrupted here
            finally:
                timer.cancel()
            assert stream._closed
            assert client._async._transport.connections_in_use() == 0
            assert client.chat(session_id, messages=messages, remember=False).id


class _ScriptedDraws:
    """A fault plan's random numbers: one request draws each fault of ``kinds`` in turn
    (500 below 0.3, reset from 0.3 to 0.6, of "500=0.3,reset=0.3"), then none."""

    def __init__(self, kinds: typing.Sequence[str]) -> None:
        self.values: list[float] = []
        for kind in kinds:
            self.values += [{"500": 0.1, "reset": 0.4}[kind], 0.99]

    def random(self) -> float:
        return self.values.pop(0) if self.values else 0.99


@pytest.mark.anyio
async def test_chat_stream_true_counts_its_retries_when_a_retry_fails_otherwise() -> None:
    """A broken stream is retried; when the retry then fails with a 500, the error's
    retries_taken counts the retry made (the request went out twice), as chat() does."""
    async with LocalServer(faults="500=0.3,reset=0.3", faults_seed=1) as server:
        server._faults.rng = _ScriptedDraws([])  # type: ignore[assignment]
        policy = RetryPolicy(max_retries=1, initial_delay=0.01, max_delay=0.02)
        async with AsyncJulepApi(api_key="k", base_url=server.base_url, max_retries=policy) as c:
            session_id = (await c.create_session(agent_id=(await c.create_agent(name="a")).id)).id
            server._faults.rng = _ScriptedDraws(["reset", "500"])  # type: ignore[assignment]
            with pytest.raises(julep.InternalServerError) as caught:
                await c.chat(session_id, messages=[{"role": "user", "content": "hi"}], stream=True)
    assert caught.value.retries_taken == 1
