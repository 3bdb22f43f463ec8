"""A model reply whose content is not a plain string: text parts are read, the rest is a 502."""

from __future__ import annotations

import contextlib
import typing

import aiohttp
import orjson
import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from julep.server import LocalServer
from julep.server.backends.openai_compat import _text

from .helpers import Api, model_endpoint, sse_events

pytestmark = pytest.mark.anyio

PARTS = [{"type": "text", "text": "Hello "}, {"type": "refusal"}, {"type": "text", "text": "there"}]


class ContentModel:
    """An OpenAI-compatible endpoint that answers with ``content`` as given."""

    content: object = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        if (await request.json()).get("stream"):
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            delta = {"index": 0, "delta": {"content": self.content}, "finish_reason": "stop"}
            await response.write(b"data: " + orjson.dumps({"choices": [delta]}) + b"\n\n")
            await response.write(b"data: [DONE]\n\n")
            return response
        usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
        message = {"role": "assistant", "content": self.content}
        choice = {"index": 0, "message": message, "finish_reason": "stop"}
        return web.json_response({"choices": [choice], "usage": usage})


@pytest.fixture
async def model_and_api() -> typing.AsyncIterator[tuple[ContentModel, Api]]:
    model = ContentModel()
    async with (
        model_endpoint(model.handle) as url,
        LocalServer(model="openai", model_url=url) as server,
        aiohttp.ClientSession() as session,
    ):
        yield model, Api(session, server.base_url)


async def _chat(api: Api, *, stream: bool) -> tuple[int, typing.Any]:
    session_id = await api.session(await api.agent(name="a"))
    body = {"messages": [{"role": "user", "content": "hi"}], "stream": stream}
    headers = {"Accept": "text/event-stream"} if stream else None
    reply = await api.post(f"/sessions/{session_id}/chat", json=body, headers=headers)
    return reply.status, reply.body


@pytest.mark.parametrize("stream", [False, True])
async def test_text_parts_are_the_reply(
    model_and_api: tuple[ContentModel, Api], stream: bool
) -> None:
    """Content given as OpenAI's list of parts is the text of its text parts."""
    model, api = model_and_api
    model.content = PARTS
    status, body = await _chat(api, stream=stream)
    assert status == 200
    final = orjson.loads(sse_events(body)[-2]) if stream else body
    assert final["response"][0][0]["content"] == "Hello there"


@pytest.mark.parametrize("content", [5, {"text": "x"}, ["x"], True])
async def test_content_that_is_not_text_is_a_502(
    model_and_api: tuple[ContentModel, Api], content: object
) -> None:
    """Other content is the model's fault: a 502 naming the endpoint, not a 500 (retried)."""
    model, api = model_and_api
    model.content = content
    status, body = await _chat(api, stream=False)
    assert status == 502
    assert "not a chat completion" in body["detail"]


async def test_content_that_is_not_text_ends_a_stream_with_an_error_event(
    model_and_api: tuple[ContentModel, Api],
) -> None:
    """In a stream the same reply ends with an error event, not a broken connection."""
    model, api = model_and_api
    model.content = 5
    status, body = await _chat(api, stream=True)
    assert status == 200
    assert orjson.loads(sse_events(body)[-1])["error"]["type"] == "backend_error"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
    max_leaves=10,
)


@given(_JSON)
def test_content_is_text_or_a_type_error(content: object) -> None:
    """Whatever JSON a model sends as content reads as a string or fails with TypeError."""
    with contextlib.suppress(TypeError):
        assert isinstance(_text(content), str)
