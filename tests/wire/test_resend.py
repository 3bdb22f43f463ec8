"""An agent's settings read with get_agent and patched back put no null on the wire."""

from __future__ import annotations

import attrs
import pytest
from aioresponses import aioresponses

from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY
from .mock import BASE_URL, respond, sent
from .samples import AGENT, AGENT_ID, UPDATED

SETTINGS = {"temperature": 0.75, "preset": "creative"}
EXPECTED = {"default_settings": {"temperature": 0.75, "top_p": 0.5, "preset": "creative"}}


def _mock(mock: aioresponses) -> None:
    respond(mock, "GET", payload={**AGENT, "default_settings": SETTINGS})
    respond(mock, "PATCH", payload=UPDATED)


@pytest.mark.anyio
async def test_async_patch_agent_with_settings_read_back() -> None:
    """AsyncJulepApi sends exactly the settings received plus the one changed."""
    with aioresponses() as mock:
        _mock(mock)
        async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            agent = await client.get_agent(AGENT_ID)
            assert agent.default_settings is not None
            assert agent.default_settings.min_p is None
            changed = attrs.evolve(agent.default_settings, top_p=0.5)
            await client.patch_agent(AGENT_ID, default_settings=changed)
        _, patch = sent(mock)
    assert patch.json() == EXPECTED


def test_sync_patch_agent_with_settings_read_back() -> None:
    """JulepApi sends exactly the settings received plus the one changed."""
    with aioresponses() as mock:
        _mock(mock)
        with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
            agent = client.get_agent(AGENT_ID)
            assert agent.default_settings is not None
            changed = attrs.evolve(agent.default_settings, top_p=0.5)
            client.patch_agent(AGENT_ID, default_settings=changed)
        _, patch = sent(mock)
    assert patch.json() == EXPECTED
