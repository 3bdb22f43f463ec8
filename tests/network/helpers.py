"""One call, or one streamed chat, made on either surface with the given client options."""

from __future__ import annotations

import asyncio
import typing

from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY

SURFACES = ("async", "sync")
MESSAGES = [{"role": "user", "content": "hello through the proxy"}]


def list_agents(surface: str, base_url: str, **options: typing.Any) -> None:
    """``list_agents`` once on ``AsyncJulepApi`` or ``JulepApi``, without retries."""
    options = {"max_retries": 0, **options}
    if surface == "sync":
        with JulepApi(api_key=API_KEY, base_url=base_url, **options) as client:
            client.list_agents()
        return

    async def run() -> None:
        async with AsyncJulepApi(api_key=API_KEY, base_url=base_url, **options) as client:
            await client.list_agents()

    asyncio.run(run())


def stream_chat(surface: str, base_url: str, **options: typing.Any) -> list[str]:
    """Create an agent and a session, then stream one chat; the pieces of text that arrived."""
    if surface == "sync":
        with JulepApi(api_key=API_KEY, base_url=base_url, **options) as client:
            agent = client.create_agent(name="a", instructions="Be brief.")
            session = client.create_session(agent_id=agent.id)
            with client.chat_stream(session.id, messages=MESSAGES, remember=False) as stream:
                return [c.delta.content for c in stream if c.delta and c.delta.content]

    async def run() -> list[str]:
        async with AsyncJulepApi(api_key=API_KEY, base_url=base_url, **options) as client:
            agent = await client.create_agent(name="a", instructions="Be brief.")
            session = await client.create_session(agent_id=agent.id)
            async with client.chat_stream(session.id, messages=MESSAGES, remember=False) as stream:
                return [c.delta.content async for c in stream if c.delta and c.delta.content]

    return asyncio.run(run())
