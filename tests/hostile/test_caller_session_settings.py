"""A caller's aiohttp session made with raise_for_status or without auto_decompress keeps
the SDK's typed errors, retry rules and decoding."""

from __future__ import annotations

import asyncio
import gzip
import warnings

import aiohttp
import hypothesis
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import julep

from .test_stranger_network import AGENT_ID, ScriptedServer, read_head

_AGENT = orjson.dumps(
    {"id": AGENT_ID, "name": "zipped", "model": "m", "created_at": "2024-01-01T00:00:00Z"}
)


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        head = await read_head(reader)
        path = head.split(b" ")[1]
        if b"/missing" in path:
            body = b'{"detail": "Agent not found"}'
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n")
        else:
            body = gzip.compress(_AGENT)
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
            writer.write(b"Content-Encoding: gzip\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()


@hypothesis.settings(max_examples=6, deadline=None)
@given(raise_for_status=st.booleans(), auto_decompress=st.booleans())
def test_a_caller_session_keeps_typed_errors_and_decoding(
    raise_for_status: bool, auto_decompress: bool
) -> None:
    """A 404 is NotFoundError at once (not a retried connection error); a gzip body decodes."""

    async def main(base_url: str) -> tuple[BaseException | None, str, int]:
        async with aiohttp.ClientSession(
            raise_for_status=raise_for_status, auto_decompress=auto_decompress
        ) as session, julep.AsyncJulepApi(
            api_key="k", base_url=base_url, session=session, max_retries=2
        ) as client:  # fmt: skip
            error: BaseException | None = None
            try:
                await client.get_agent("missing")
            except julep.APIError as exc:
                error = exc
            agent = await client.get_agent(AGENT_ID)
            return error, agent.name, session.closed

    with ScriptedServer(_answer) as server:
        error, name, closed = asyncio.run(main(server.base_url))
    assert isinstance(error, julep.NotFoundError) and error.retries_taken == 0
    assert name == "zipped"
    assert not closed


def test_a_caller_session_with_auth_is_refused_when_the_client_is_built() -> None:
    """A session made with auth= is a ConfigurationError at once, not a ValueError per call."""

    async def main() -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # aiohttp deprecates auth=
            session = aiohttp.ClientSession(auth=aiohttp.BasicAuth("user", "pass"))
        async with session:
            with pytest.raises(julep.ConfigurationError, match="auth="):
                julep.AsyncJulepApi(api_key="k", base_url="http://127.0.0.1:1/api", session=session)

    asyncio.run(main())


@pytest.mark.parametrize("call", ["get_agent", "chat_stream"])
def test_a_closed_caller_session_is_client_closed_and_not_retried(call: str) -> None:
    """A call on a session= the caller closed is ClientClosedError at once (it was retried)."""

    async def main(base_url: str) -> BaseException:
        session = aiohttp.ClientSession()
        await session.close()
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, session=session, max_retries=2
        ) as client:
            with pytest.raises(julep.ClientClosedError) as caught:
                if call == "chat_stream":
                    messages = [{"role": "user", "content": "hi"}]
                    await client.chat(AGENT_ID, messages=messages, stream=True)
                else:
                    await client.get_agent(AGENT_ID)
        return caught.value

    with ScriptedServer(_answer) as server:
        error = asyncio.run(main(server.base_url))
        assert server.connections == 0
    assert error.retries_taken == 0
