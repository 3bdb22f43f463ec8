"""A doc's content pieces are non-empty strings, as the spec and the 0.3 server have them."""

from __future__ import annotations

import asyncio

import aiohttp
from hypothesis import given, settings
from hypothesis import strategies as st

from julep.server import LocalServer

from .helpers import Api


@settings(max_examples=15, deadline=None)
@given(
    content=st.lists(st.sampled_from(["", "a", "long text"]), max_size=4),
    where=st.sampled_from(["doc", "agent", "user"]),
)
def test_an_empty_content_piece_is_a_422_naming_it(content: list[str], where: str) -> None:
    """create_*_doc, and agents and users created with docs, refuse "" pieces by index."""

    async def check() -> None:
        async with LocalServer() as server, aiohttp.ClientSession() as session:
            api = Api(session, server.base_url)
            doc = {"title": "t", "content": content}
            if where == "doc":
                agent_id = await api.agent(name="a")
                reply, prefix = await api.post(f"/agents/{agent_id}/docs", json=doc), ""
            else:
                reply = await api.post(f"/{where}s", json={"name": "n", "docs": [doc]})
                prefix = "docs[0]."
            if "" in content:
                named = [
                    f"{prefix}content[{i}]: must not be empty"
                    for i, p in enumerate(content)
                    if not p
                ]
                assert (reply.status, reply.body["detail"]) == (422, "; ".join(named))
            else:
                assert reply.status == 201

    asyncio.run(check())
