"""Retries: what is retried, how long to wait, one idempotency key per call, the deadline."""

from __future__ import annotations

import email.utils
import random
import time
import typing

import aiohttp
import pytest
from aioresponses import aioresponses

import julep
from julep import _http
from julep._config import RetryPolicy
from julep.client import AsyncJulepApi

from .conftest import API_KEY
from .wire.mock import BASE_URL, respond, sent
from .wire.samples import AGENT, AGENT_ID, CREATED

FAST = {"retry-after-ms": "1"}


def test_retryable_statuses() -> None:
    """408, 409, 429 and every 5xx are retried; other statuses are not."""
    assert all(_http.is_retryable_status(s) for s in (408, 409, 429, 500, 502, 503, 599))
    assert not any(_http.is_retryable_status(s) for s in (400, 401, 403, 404, 422))


def test_retry_after_forms() -> None:
    """retry-after-ms wins; Retry-After may be seconds or an HTTP date; junk is ignored."""
    assert _http.parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert _http.parse_retry_after({"retry-after": "3"}) == 3.0
    now = time.time()
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert 28 <= typing.cast(float, _http.parse_retry_after({"retry-after": date}, now=now)) <= 31
    assert _http.parse_retry_after({"retry-after": "soon"}) is None
    assert _http.parse_retry_after({}) is None


def test_backoff_grows_with_jitter_and_a_cap() -> None:
    """Delays double from the initial delay, stay under the cap, and vary."""
    policy = RetryPolicy(initial_delay=0.5, max_delay=8.0)
    rng = random.Random(7)
    first = [_http.backoff_delay(1, policy, rng) for _ in range(50)]
    fifth = [_http.backoff_delay(5, policy, rng) for _ in range(50)]
    assert all(0.25 <= d <= 0.5 for d in first) and len(set(first)) > 10
    assert all(4.0 <= d <= 8.0 for d in fifth)
    assert max(_http.backoff_delay(30, policy, rng) for _ in range(50)) <= 8.0


@pytest.mark.anyio
async def test_a_retried_call_keeps_one_idempotency_key() -> None:
    """500, then 429, then success: three attempts with the same key; retries_taken says 2."""
    with aioresponses() as mock:
        respond(mock, "POST", status=500, payload={"detail": "boom"}, headers=FAST)
        respond(mock, "POST", status=429, payload={"detail": "slow down"}, headers=FAST)
        respond(mock, "POST", status=201, payload=CREATED, repeat=True)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            created = await client.create_agent(name="n")
            await client.create_agent(name="n")
        keys = [r.headers["Idempotency-Key"] for r in sent(mock)]
    assert created.response_info is not None and created.response_info.retries_taken == 2
    assert len(keys) == 4
    assert keys[0] == keys[1] == keys[2] != keys[3]


@pytest.mark.anyio
async def test_connection_errors_are_retried() -> None:
    """A reset connection is retried and the call succeeds."""
    with aioresponses() as mock:
        mock.get(BASE_URL + f"/agents/{AGENT_ID}", exception=aiohttp.ServerDisconnectedError())
        respond(mock, "GET", payload=AGENT)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            client._retry = RetryPolicy(initial_delay=0.001, max_delay=0.002)
            agent = await client.get_agent(AGENT_ID)
    assert agent.response_info is not None and agent.response_info.retries_taken == 1


@pytest.mark.anyio
async def test_client_errors_are_not_retried() -> None:
    """A 404 fails at once."""
    with aioresponses() as mock:
        respond(mock, "GET", status=404, payload={"detail": "Agent not found"}, repeat=True)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            with pytest.raises(julep.NotFoundError) as caught:
                await client.get_agent(AGENT_ID)
        assert len(sent(mock)) == 1
    assert caught.value.retries_taken == 0


@pytest.mark.anyio
async def test_retries_run_out() -> None:
    """After max_retries the last error is raised with the count of retries taken."""
    with aioresponses() as mock:
        respond(mock, "GET", status=503, payload={"detail": "down"}, headers=FAST, repeat=True)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, max_retries=3) as client:
            with pytest.raises(julep.InternalServerError) as caught:
                await client.get_agent(AGENT_ID)
            with pytest.raises(julep.InternalServerError):
                await client.with_options(max_retries=0).get_agent(AGENT_ID)
        assert len(sent(mock)) == 5
    assert caught.value.retries_taken == 3


@pytest.mark.anyio
async def test_retry_after_beyond_the_deadline_fails_fast() -> None:
    """A Retry-After beyond the deadline means no retry; the error says how long."""
    with aioresponses() as mock:
        respond(
            mock, "GET", status=429, payload={"detail": "later"}, headers={"retry-after": "120"}
        )
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, timeout=5) as client:
            started = time.monotonic()
            with pytest.raises(julep.RateLimitError) as caught:
                await client.get_agent(AGENT_ID)
        assert time.monotonic() - started < 4
        assert len(sent(mock)) == 1
    assert caught.value.retry_after == 120.0


@pytest.mark.anyio
async def test_caller_idempotency_key_is_used() -> None:
    """with_options(idempotency_key=...) sends the caller's key."""
    with aioresponses() as mock:
        respond(mock, "POST", status=201, payload=CREATED)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            await client.with_options(idempotency_key="order-17").create_user()
        (request,) = sent(mock)
    assert request.headers["Idempotency-Key"] == "order-17"


@pytest.mark.anyio
async def test_retry_after_is_read_on_every_retryable_status() -> None:
    """A 503 or a 409 may say when to retry too; beyond the deadline it fails fast."""
    for status in (503, 409):
        with aioresponses() as mock:
            respond(
                mock,
                "GET",
                status=status,
                payload={"detail": "busy"},
                headers={"retry-after": "120"},
            )
            async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL, timeout=5) as client:
                with pytest.raises(julep.APIStatusError) as caught:
                    await client.get_agent(AGENT_ID)
            assert len(sent(mock)) == 1
        assert caught.value.status_code == status
        assert caught.value.retry_after == 120.0
