"""Chat arguments in model form travel the same on chat, chat(stream=True) and chat_stream."""

from __future__ import annotations

import typing

import orjson
import pytest
from aioresponses import aioresponses

import julep
from julep import models as m
from julep._serde import converter
from julep.client import AsyncJulepApi, JulepApi

from ..conftest import API_KEY
from .cases import CASES
from .mock import BASE_URL, respond, sent
from .samples import CHAT_RESPONSE, MESSAGE, SESSION_ID, TOOL

EVERYTHING = next(case for case in CASES if case.id == "chat-everything")
# The same arguments with every model argument in model form (messages, tools,
# tool_choice, response_format, preset), and no `stream`: each mode sets its own.
KWARGS: dict[str, typing.Any] = {
    **{
        key: value
        for key, value in EVERYTHING.kwargs.items()
        if key not in ("stream", "session_id")
    },
    "messages": [
        m.InputChatMlMessage(role="system", content="Be brief.", name="rules"),
        *EVERYTHING.kwargs["messages"][1:],
    ],
    "tools": [converter.structure(TOOL, m.Tool)],
    "preset": m.ChatSettingsPreset.CREATIVE,
}
BODY = {key: value for key, value in EVERYTHING.body.items() if key != "stream"}

SSE = (
    b'data: {"id":"m","index":0,"delta":{"role":"assistant","content":"Hello Ada."}}\n\n'
    + b"data: "
    + orjson.dumps({**CHAT_RESPONSE, "response": [[MESSAGE]]})
    + b"\n\ndata: [DONE]\n\n"
)
MODES = ["chat", "chat-stream-true", "chat_stream"]


def _respond(mock: aioresponses, mode: str) -> None:
    if mode == "chat":
        respond(mock, "POST", payload=CHAT_RESPONSE)
    else:
        respond(mock, "POST", body=SSE, headers={"Content-Type": "text/event-stream"})


async def _call_async(mode: str, kwargs: dict[str, typing.Any]) -> julep.ChatResponse:
    async with AsyncJulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
        if mode == "chat":
            return await client.chat(SESSION_ID, **kwargs)
        if mode == "chat-stream-true":
            return await client.chat(SESSION_ID, stream=True, **kwargs)
        async with client.chat_stream(SESSION_ID, **kwargs) as stream:
            return await stream.until_done()


def _call_sync(mode: str, kwargs: dict[str, typing.Any]) -> julep.ChatResponse:
    with JulepApi(api_key=API_KEY, base_url=BASE_URL) as client:
        if mode == "chat":
            return client.chat(SESSION_ID, **kwargs)
        if mode == "chat-stream-true":
            return client.chat(SESSION_ID, stream=True, **kwargs)
        with client.chat_stream(SESSION_ID, **kwargs) as stream:
            for _ in stream:
                pass
            return stream.final_response


def _expected(mode: str, body: dict[str, typing.Any]) -> dict[str, typing.Any]:
    return body if mode == "chat" else {**body, "stream": True}


def _check(mode: str, mock: aioresponses, body: dict[str, typing.Any]) -> None:
    (request,) = sent(mock)
    assert request.path == f"/api/sessions/{SESSION_ID}/chat"
    assert request.headers["Content-Type"] == "application/json"
    assert len(request.headers["Idempotency-Key"]) == 32
    accept = "application/json" if mode == "chat" else "text/event-stream"
    assert request.headers["Accept"] == accept
    assert request.json() == _expected(mode, body)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.anyio
async def test_async_chat_sends_every_argument_in_model_form(mode: str) -> None:
    """AsyncJulepApi encodes model arguments alike on the plain and the streamed path."""
    with aioresponses() as mock:
        _respond(mock, mode)
        reply = await _call_async(mode, KWARGS)
        _check(mode, mock, BODY)
    assert reply.response[0][0].content == "Hello Ada."


@pytest.mark.parametrize("mode", MODES)
def test_sync_chat_sends_every_argument_in_model_form(mode: str) -> None:
    """JulepApi encodes model arguments alike on the plain and the streamed path."""
    with aioresponses() as mock:
        _respond(mock, mode)
        reply = _call_sync(mode, KWARGS)
        _check(mode, mock, BODY)
    assert reply.response[0][0].content == "Hello Ada."


# A tool read from the API without a description, and history content whose
# image part has no detail: sent back, they must not grow nulls.
DECODED_TOOL = {"id": TOOL["id"], "type": "function", "function": {"name": "f", "parameters": {}}}
DECODED_CONTENT = [
    {"type": "text", "text": "look"},
    {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
]


def _decoded_kwargs() -> dict[str, typing.Any]:
    tools = converter.structure({"items": [DECODED_TOOL]}, m.GetAgentToolsResponse).items
    history = converter.structure(
        {"items": [{**MESSAGE, "role": "user", "content": DECODED_CONTENT}]}, m.GetHistoryResponse
    ).items
    assert tools is not None and history is not None
    message = m.InputChatMlMessage(role="user", content=history[0].content)
    return {"messages": [message], "tools": tools}


DECODED_BODY = {
    "messages": [{"role": "user", "content": DECODED_CONTENT}],
    "tools": [DECODED_TOOL],
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.anyio
async def test_async_decoded_models_are_sent_back_as_received(mode: str) -> None:
    """Tools and content parts read from the API go back without added nulls (async)."""
    with aioresponses() as mock:
        _respond(mock, mode)
        await _call_async(mode, _decoded_kwargs())
        _check(mode, mock, DECODED_BODY)


@pytest.mark.parametrize("mode", MODES)
def test_sync_decoded_models_are_sent_back_as_received(mode: str) -> None:
    """Tools and content parts read from the API go back without added nulls (sync)."""
    with aioresponses() as mock:
        _respond(mock, mode)
        _call_sync(mode, _decoded_kwargs())
        _check(mode, mock, DECODED_BODY)
