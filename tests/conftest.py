"""Fixtures shared by the SDK's tests."""

from __future__ import annotations

import typing

import pytest

API_KEY = "sk-test-0123456789abcdef"


@pytest.fixture
def anyio_backend() -> str:
    """aiohttp runs on asyncio only."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_julep_env(monkeypatch: pytest.MonkeyPatch) -> typing.Iterator[None]:
    """Tests never pick up a developer's JULEP_* settings."""
    for name in ("JULEP_API_KEY", "JULEP_API_URL", "JULEP_LOG"):
        monkeypatch.delenv(name, raising=False)
    yield
