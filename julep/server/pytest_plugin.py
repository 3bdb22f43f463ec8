"""pytest fixtures for a started local server.

Load it in a ``conftest.py`` with ``pytest_plugins = ["julep.server.pytest_plugin"]``:

- ``julep_server``: a started ``LocalServer`` (in memory, echo model, any
  API key), stopped after the test;
- ``julep_server_url``: its base URL, e.g. ``http://127.0.0.1:54321/api``.
"""

from __future__ import annotations

import typing

import pytest

from .local import LocalServer


@pytest.fixture
def julep_server() -> typing.Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def julep_server_url(julep_server: LocalServer) -> str:
    return julep_server.base_url
