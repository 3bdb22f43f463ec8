"""Fixtures of the local server's tests: a server on the test's loop, and a raw client."""

from __future__ import annotations

import typing

import aiohttp
import pytest

from julep.server import LocalServer

from .helpers import Api


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def server() -> typing.AsyncIterator[LocalServer]:
    async with LocalServer() as running:
        yield running


@pytest.fixture
async def api(server: LocalServer) -> typing.AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, server.base_url)
