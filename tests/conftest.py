"""Fixtures shared by the SDK's tests."""

from __future__ import annotations

import os
import typing

import pytest
from hypothesis import settings

# Generated tests draw the same cases on every run: CI must be deterministic,
# and a failure found once is found again. (HYPOTHESIS_PROFILE=explore draws anew.)
settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))

API_KEY = "sk-test-0123456789abcdef"
# Read by the client (and julep 0.3.9's httpx): a developer's proxy must not reroute the suite.
NETWORK_VARIABLES = (
    *(
        name
        for base in ("http", "https", "all", "no")
        for name in (f"{base}_proxy", f"{base.upper()}_PROXY")
    ),
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUEST_METHOD",
)


@pytest.fixture
def anyio_backend() -> str:
    """aiohttp runs on asyncio only."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_julep_env(monkeypatch: pytest.MonkeyPatch) -> typing.Iterator[None]:
    """Tests never pick up a developer's JULEP_* settings, proxies or CA bundles."""
    for name in ("JULEP_API_KEY", "JULEP_API_URL", "JULEP_LOG", *NETWORK_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    yield
