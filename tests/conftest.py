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
