"""pytest fixtures for a started local server and clients connected to it.

Installing julep registers this plugin (a ``pytest11`` entry point), so the
fixtures work in any project without a ``conftest.py``; each lasts one test:

- ``julep_server``: a started ``LocalServer`` (in memory, echo model, any
  API key), stopped after the test;
- ``julep_server_url``: its base URL, e.g. ``http://127.0.0.1:54321/api``;
- ``julep_client``: a ``JulepApi`` connected to it;
- ``async_julep_client``: an ``AsyncJulepApi`` connected to it, for tests
  marked ``@pytest.mark.anyio``.

The SDK and the server are imported when a fixture is first used, not when
pytest loads the plugin.
"""

from __future__ import annotations

import typing

import pytest

if typing.TYPE_CHECKING:
    from ..client import AsyncJulepApi, JulepApi
    from .local import LocalServer

# The server runs in dev mode (any key accepted); clients still send one, as in production.
CLIENT_API_KEY = "julep-pytest"


@pytest.fixture
def julep_server() -> typing.Iterator[LocalServer]:
    """A started local server (in memory, echo model, any API key), stopped after the test."""
    from .local import LocalServer

    with LocalServer() as server:
        yield server


@pytest.fixture
def julep_server_url(julep_server: LocalServer) -> str:
    """The base URL of ``julep_server``, e.g. ``http://127.0.0.1:54321/api``."""
    return julep_server.base_url


@pytest.fixture
def julep_client(julep_server_url: str) -> typing.Iterator[JulepApi]:
    """A ``JulepApi`` connected to ``julep_server``, closed after the test."""
    from ..client import JulepApi

    # trust_env=False: the server is on this machine, never behind the environment's proxy.
    with JulepApi(api_key=CLIENT_API_KEY, base_url=julep_server_url, trust_env=False) as client:
        yield client


@pytest.fixture
async def async_julep_client(julep_server_url: str) -> typing.AsyncIterator[AsyncJulepApi]:
    """An ``AsyncJulepApi`` connected to ``julep_server``; the test must be ``anyio``-marked.

    Where trio is installed, anyio runs such a test on trio too; there the
    test is skipped, since ``AsyncJulepApi`` runs on asyncio only.
    """
    import asyncio

    from ..client import AsyncJulepApi

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pytest.skip("AsyncJulepApi runs on asyncio only, and this test runs on another backend")

    async with AsyncJulepApi(
        api_key=CLIENT_API_KEY, base_url=julep_server_url, trust_env=False
    ) as client:
        yield client
