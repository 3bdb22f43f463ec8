"""A model endpoint that quotes the model key in an error body never shows it to API clients."""

from __future__ import annotations

import base64
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
    headers = {"Accept": "text/event-stream"} if stream else None
    reply = await api.chat(session_id, "hi", stream=stream, headers=headers)
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


@pytest.mark.parametrize("stream", [False, True])
async def test_url_credentials_echoed_as_basic_auth_are_blanked(stream: bool) -> None:
    """user:password@ in model_url goes out as "Basic <base64>"; an endpoint quoting the
    Authorization it got showed every API client that token, i.e. the password (atkY
    repro/05)."""
    async with model_endpoint(_echo_authorization) as url:
        with_credentials = url.replace("http://", "http://operator:s3cret-pw%21@", 1)
        async with (
            LocalServer(model="openai", model_url=with_credentials) as server,
            aiohttp.ClientSession() as session,
        ):
            api = Api(session, server.base_url)
            session_id = await api.session(await api.agent(name="a"))
            headers = {"Accept": "text/event-stream"} if stream else None
            reply = await api.chat(session_id, "hi", stream=stream, headers=headers)
    shown = sse_events(reply.body)[-1] if stream else reply.body["detail"]
    token = base64.b64encode(b"operator:s3cret-pw!").decode()
    assert "invalid key: Basic ***" in shown
    assert token not in shown


@given(
    user=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", max_size=12),
    password=st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_!~", min_size=1, max_size=30),
)
def test_the_basic_token_of_url_credentials_is_blanked(user: str, password: str) -> None:
    """Whatever the user and password, their Basic token never shows in a quoted body."""
    backend = OpenAIBackend(f"http://{user}:{password}@127.0.0.1:9/v1")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    shown = backend._quote(f"you sent Authorization: Basic {token}".encode())
    assert token not in shown
    assert password not in shown.removeprefix("'you sent Authorization: Basic ")
