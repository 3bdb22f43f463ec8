"""The numbers README.rst's tables promise, one test per table, on both clients.

Other tests build clients and stores with the numbers they need; these pin the
defaults a user gets without passing anything, so a changed default fails here
until README says the new number.
"""

from __future__ import annotations

import asyncio
import inspect
import typing

import pytest

import julep
from julep import AsyncJulepApi, JulepApi, RetryPolicy, Timeout
from julep.server import LocalServer
from julep.server import idempotency as server_idempotency
from julep.server.cli import _parser as serve_parser
from julep.server.store import _util as server_store

MiB = 1024 * 1024
CLIENTS = [AsyncJulepApi, JulepApi]


@pytest.mark.parametrize("client_class", CLIENTS)
def test_configuration_table(
    client_class: type[typing.Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """README "Configuration": base_url from the environment, else the hosted API;
    timeout 300; max_retries 2; connection_limit 100."""
    monkeypatch.delenv("JULEP_API_URL", raising=False)
    client = client_class(api_key="sk-readme-defaults")
    assert julep.JulepApiEnvironment.DEFAULT.value == "https://api-alpha.julep.ai/api"
    assert client.base_url.rstrip("/") == "https://api-alpha.julep.ai/api"
    assert client.timeout == Timeout(connect=10, read=300, total=300, stream_idle=60)
    assert client.max_retries == 2
    parameters = inspect.signature(client_class).parameters
    assert parameters["connection_limit"].default == 100
    monkeypatch.setenv("JULEP_API_URL", "http://127.0.0.1:9/api")
    assert client_class(api_key="sk-readme-defaults").base_url.rstrip("/") == (
        "http://127.0.0.1:9/api"
    )
    assert client_class(api_key="k", base_url="http://127.0.0.1:8/api").base_url.rstrip("/") == (
        "http://127.0.0.1:8/api"
    ), "an argument wins over the environment"


def test_timeouts_and_retries_table() -> None:
    """README "Timeouts and retries": connect 10 s, read 300 s, total 300 s, stream_idle
    60 s; 2 retries, backoff from 0.5 s doubling up to 8 s; Retry-After at most 60 s;
    timeout=5 sets read and total only."""
    assert Timeout() == Timeout(connect=10.0, read=300.0, total=300.0, stream_idle=60.0)
    assert RetryPolicy() == RetryPolicy(
        max_retries=2, initial_delay=0.5, max_delay=8.0, max_retry_after=60.0
    )
    assert AsyncJulepApi(api_key="k", timeout=5).timeout == Timeout(
        connect=10.0, read=5.0, total=5.0, stream_idle=60.0
    )
    assert Timeout(connect=None, read=None, total=None, stream_idle=None) == Timeout.NONE


@pytest.mark.parametrize("client_class", CLIENTS)
def test_limits_defaults(client_class: type[typing.Any]) -> None:
    """README "Limits": max_response_bytes 100 MiB and max_event_bytes 16 MiB, both clients."""
    parameters = inspect.signature(client_class).parameters
    assert parameters["max_response_bytes"].default == 100 * MiB
    assert parameters["max_event_bytes"].default == 16 * MiB


def test_connection_limit_reaches_the_pool_and_zero_is_no_limit() -> None:
    """README "Configuration": connection_limit is the pool's size; 0 is no limit."""

    async def pool_limits(server: LocalServer) -> list[int]:
        limits = []
        for options in ({}, {"connection_limit": 0}, {"connection_limit": 7}):
            async with AsyncJulepApi(api_key="k", base_url=server.base_url, **options) as client:
                await client.list_agents(limit=1)
                session = client._transport._session
                assert session is not None
                limits.append(session.connector.limit)
        return limits

    with LocalServer() as server:
        assert asyncio.run(pool_limits(server)) == [100, 0, 7]


def test_local_server_defaults() -> None:
    """README "The local server" and its guarantees: 127.0.0.1:8080, idle connections
    closed after 30 s, bodies up to 4 MiB, idempotency records for 24 hours, at most
    100,000 of them and 64 MiB, a page of at most 16 Mi characters."""
    options = serve_parser().parse_args([])
    assert (options.host, options.port) == ("127.0.0.1", 8080)
    assert options.idle_timeout == 30
    assert options.max_body_mb == 4
    assert options.model == "echo" and options.db is None
    assert server_idempotency.TTL_SECONDS == 24 * 3600
    assert server_idempotency.MAX_RECORDS == 100_000
    assert 64 * MiB == server_idempotency.MAX_BYTES
    store_defaults = inspect.signature(server_idempotency.IdempotencyStore).parameters
    assert store_defaults["ttl"].default == server_idempotency.TTL_SECONDS
    assert store_defaults["max_records"].default == server_idempotency.MAX_RECORDS
    assert store_defaults["max_bytes"].default == server_idempotency.MAX_BYTES
    assert 16 * MiB == server_store.MAX_PAGE_CHARS
