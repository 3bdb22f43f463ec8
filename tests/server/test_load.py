"""Many concurrent requests: none fails, none is lost."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from julep.server import LocalServer

from .helpers import Api

pytestmark = pytest.mark.anyio
CONCURRENCY = 512


async def test_512_concurrent_requests_all_succeed(server: LocalServer) -> None:
    """512 requests in flight at once (creates, chats, reads) all get a 2xx answer."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        api = Api(session, server.base_url)
        session_id = await api.session(await api.agent(), await api.user())

        async def one(index: int) -> int:
            kind = index % 4
            if kind == 0:
                reply = await api.post("/agents", json={"name": f"a{index}"})
            elif kind == 1:
                reply = await api.chat(session_id, f"message {index}")
            elif kind == 2:
                reply = await api.get("/agents", params={"limit": "10"})
            else:
                reply = await api.get(f"/sessions/{session_id}/history", params={"limit": "5"})
            return reply.status

        statuses = await asyncio.gather(*(one(index) for index in range(CONCURRENCY)))
    assert set(statuses) <= {200, 201}
    assert server.count("agents") == 1 + CONCURRENCY // 4
    assert server.count("messages") == 2 * (CONCURRENCY // 4)
