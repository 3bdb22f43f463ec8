"""A request body over 1 MiB: no aiohttp ResourceWarning (an error under this suite's
filterwarnings = error), and a server's 413 for one too large still reads as a 413."""

from __future__ import annotations

import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import julep
from julep.client import AsyncJulepApi, JulepApi
from julep.server import LocalServer

MIB = 1024 * 1024


@pytest.fixture(scope="module")
def server() -> typing.Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(size=st.integers(MIB - 64, 3 * MIB))
def test_a_large_doc_is_sent_without_a_warning(server: LocalServer, size: int) -> None:
    with JulepApi(api_key="any", base_url=server.base_url) as client:
        agent = client.create_agent(name="Sam")
        doc = client.create_agent_doc(agent.id, request={"title": "big", "content": "x" * size})
        assert doc.id
        docs = client.get_agent_docs(agent.id).items
        contents = [d.content[0] if isinstance(d.content, list) else d.content for d in docs]
        assert [len(c) for c in contents] == [size]


@pytest.mark.anyio
async def test_a_large_chat_streams_without_a_warning(server: LocalServer) -> None:
    async with AsyncJulepApi(api_key="any", base_url=server.base_url) as client:
        agent = await client.create_agent(name="Sam")
        session = await client.create_session(agent_id=agent.id)
        messages = [{"role": "user", "content": "y" * (2 * MIB)}]
        reply = await client.chat(session.id, messages=messages, stream=True)
        assert "y" * 1000 in (reply.response[0][0].content or "")
        async with client.chat_stream(session.id, messages=messages) as stream:
            async for _ in stream:
                pass


def test_a_body_over_the_servers_limit_is_its_413(server: LocalServer) -> None:
    # Not an APIConnectionError: the server answers 413 at once and closes, and
    # the body goes to the socket in one write, so the answer is what is read.
    with JulepApi(api_key="any", base_url=server.base_url, max_retries=0) as client:
        agent = client.create_agent(name="Sam")
        for _ in range(5):
            with pytest.raises(julep.APIStatusError) as caught:
                client.create_agent_doc(agent.id, request={"title": "t", "content": "x" * 5 * MIB})
            assert caught.value.status_code == 413
