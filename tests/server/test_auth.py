"""API keys: both header forms accepted, everything else 403, dev mode without a key."""

from __future__ import annotations

import logging
import typing

import aiohttp
import pytest

from julep.server import LocalServer

from .helpers import Api

pytestmark = pytest.mark.anyio
KEY = "sk-local-test-key"


@pytest.fixture
async def locked() -> typing.AsyncIterator[Api]:
    async with LocalServer(api_key=KEY) as server, aiohttp.ClientSession() as session:
        yield Api(session, server.base_url)


@pytest.mark.parametrize("header", [KEY, f"Bearer {KEY}", f"bearer {KEY}"])
async def test_the_key_is_accepted_bare_or_as_bearer(locked: Api, header: str) -> None:
    """The raw 0.3.x client sends the key bare, its wrapper as Bearer: both work."""
    reply = await locked.get("/agents", headers={"Authorization": header})
    assert reply.status == 200


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "wrong"}, {"Authorization": f"Bearer {KEY}x"}]
)
async def test_a_missing_or_wrong_key_is_403(locked: Api, headers: dict[str, str]) -> None:
    """Without the right key every route answers 403 with the API's detail."""
    for method, path in (("GET", "/agents"), ("POST", "/users"), ("GET", "/nowhere")):
        reply = await locked.request(method, path, headers=headers)
        assert (reply.status, reply.body) == (403, {"detail": "Could not validate API KEY"})


async def test_openapi_document_needs_no_key(locked: Api) -> None:
    """The OpenAPI document is public: it describes the API and holds no data."""
    assert (await locked.get("/openapi.json")).status == 200


async def test_without_a_key_any_key_works_and_start_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With no key set, any Authorization is accepted and the start logs dev mode (not a key)."""
    with caplog.at_level(logging.WARNING, logger="julep.server"):
        async with LocalServer() as server, aiohttp.ClientSession() as session:
            reply = await Api(session, server.base_url).get(
                "/agents", headers={"Authorization": "anything"}
            )
            assert reply.status == 200
    assert any("dev mode" in record.getMessage() for record in caplog.records)


async def test_the_key_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    """Starting, serving and failing auth log nothing that contains the key."""
    with caplog.at_level(logging.DEBUG):
        async with LocalServer(api_key=KEY) as server, aiohttp.ClientSession() as session:
            await Api(session, server.base_url).get("/agents", headers={"Authorization": "bad"})
    assert KEY not in caplog.text
    assert KEY not in repr(LocalServer(api_key=KEY).config)


@pytest.mark.parametrize("configured", [f"{KEY} ", f" {KEY}", f"{KEY}\t"])
async def test_a_key_configured_with_surrounding_space_still_works(configured: str) -> None:
    """HTTP trims header values, so a key set as "key " (pasted into the environment) was
    403 for every request; it is compared trimmed, as what is presented is."""
    async with LocalServer(api_key=configured) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        for header in (KEY, f"Bearer {KEY}"):
            assert (await api.get("/agents", headers={"Authorization": header})).status == 200
        assert (await api.get("/agents", headers={"Authorization": "other"})).status == 403
