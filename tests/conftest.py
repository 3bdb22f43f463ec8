"""Fixtures shared by the SDK's tests."""

from __future__ import annotations

import typing

import pytest

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
