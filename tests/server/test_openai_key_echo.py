"""A model endpoint that quotes the model key in an error body never shows it to API clients."""

from __future__ import annotations

import typing

import aiohttp
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from julep.server import LocalServer
from julep.server.backends.openai_compat import OpenAIBackend

from .helpers import Api, model_endpoint, sse_events

pytestmark = pytest.mark.anyio

MODEL_KEY = "sk-operator-secret-0123456789"


async def _echo_authorization(request: web.Request) -> web.Response:
    said = request.headers.get("Authorization", "")
    return web.json_response({"error": {"message": f"invalid key: {said}"}}, status=401)


@pytest.fixture
async def api() -> typing.AsyncIterator[Api]:
    async with (
        model_endpoint(_echo_authorization) as url,
        LocalServer(model="openai", model_url=url, model_key=MODEL_KEY) as server,
        aiohttp.ClientSession() as session,
    ):
        yield Api(session, server.base_url)


@pytest.mark.parametrize("stream", [False, True])
async def test_an_echoed_model_key_is_blanked_in_the_502(api: Api, stream: bool) -> None:
    """The 502 detail (or the stream's error event) quotes the body without the key."""
    session_id = await api.session(await api.agent(name="a"))
    body = {"messages": [{"role": "user", "content": "hi"}], "stream": stream}
    headers = {"Accept": "text/event-stream"} if stream else None
    reply = await api.post(f"/sessions/{session_id}/chat", json=body, headers=headers)
    shown = sse_events(reply.body)[-1] if stream else reply.body["detail"]
    assert reply.status == (200 if stream else 502)
    assert "invalid key: Bearer ***" in shown
    assert MODEL_KEY not in shown


@given(
    key=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=40),
    before=st.integers(min_value=0, max_value=260),
)
def test_the_key_is_blanked_wherever_the_body_holds_it(key: str, before: int) -> None:
    """Blanked before the body is cut to 200 characters, so no part of the key shows."""
    backend = OpenAIBackend("http://127.0.0.1:9/v1", api_key=key)
    shown = backend._quote(("." * before + key + "!" * 10).encode())
    assert set(shown) <= set(".!*'")  # not one character of the key
