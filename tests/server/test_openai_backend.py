"""The openai backend, against a fake OpenAI-compatible endpoint on 127.0.0.1."""

from __future__ import annotations

import typing

import aiohttp
import orjson
import pytest
from aiohttp import web

from julep.server import LocalServer
from julep.server.backends import openai_compat

from .helpers import Api, model_endpoint, sse_events

pytestmark = pytest.mark.anyio
MODEL_KEY = "sk-upstream-0123456789"


class FakeModel:
    """An OpenAI-compatible /v1/chat/completions that records what it was sent."""

    def __init__(self) -> None:
        self.requests: list[dict[str, typing.Any]] = []
        self.authorizations: list[str | None] = []
        self.status = 200
        self.tool_call = False
        self.usage = True

    async def handle(self, request: web.Request) -> web.StreamResponse:
        payload = await request.json()
        self.requests.append(payload)
        self.authorizations.append(request.headers.get("Authorization"))
        if self.status != 200:
            return web.json_response({"error": {"message": "overloaded"}}, status=self.status)
        usage = (
            {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13}
            if self.usage
            else None
        )
        if payload.get("stream"):
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
            await response.prepare(request)
            for piece in ("Hello", " from", " upstream"):
                chunk = {
                    "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]
                }
                await response.write(b"data: " + orjson.dumps(chunk) + b"\n\n")
            final = {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
            await response.write(b"data: " + orjson.dumps(final) + b"\n\n")
            await response.write(
                b"data: " + orjson.dumps({"choices": [], "usage": usage}) + b"\n\n"
            )
            await response.write(b"data: [DONE]\n\n")
            await response.write_eof()
            return response
        message: dict[str, typing.Any] = {"role": "assistant", "content": "Hello from upstream"}
        finish = "length"
        if self.tool_call:
            call = {
                "id": "c1",
                "type": "function",
                "function": {"name": "lookup", "arguments": '{"q": 1}'},
            }
            message = {"role": "assistant", "content": None, "tool_calls": [call]}
            finish = "tool_calls"
        body = {
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage,
        }
        return web.json_response(body)


@pytest.fixture
async def fake() -> typing.AsyncIterator[tuple[FakeModel, str]]:
    model = FakeModel()
    async with model_endpoint(model.handle) as url:
        yield model, url


@pytest.fixture
async def api(fake: tuple[FakeModel, str]) -> typing.AsyncIterator[Api]:
    async with (
        LocalServer(model="openai", model_url=fake[1]) as server,
        aiohttp.ClientSession() as session,
    ):
        yield Api(session, server.base_url)


async def _session(api: Api) -> str:
    agent_id = await api.agent(
        name="Ann",
        model="gpt-test",
        instructions=["be kind"],
        default_settings={"temperature": 0.3},
        tools=[
            {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
        ],
    )
    return await api.session(agent_id, situation="testing")


async def test_the_model_key_is_sent_as_authorization(
    api: Api, fake: tuple[FakeModel, str]
) -> None:
    """With model_key the endpoint gets ``Authorization: Bearer <key>``; without, no header."""
    model, url = fake
    await api.chat(await _session(api), "hi")
    async with (
        LocalServer(model="openai", model_url=url, model_key=MODEL_KEY) as server,
        aiohttp.ClientSession() as session,
    ):
        keyed = Api(session, server.base_url)
        reply = await keyed.chat(await _session(keyed), "hi")
        assert reply.status == 200, reply.body
        assert MODEL_KEY not in repr(server.config)
    assert model.authorizations == [None, f"Bearer {MODEL_KEY}"]


def test_serve_reads_the_model_key_from_its_option_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--model-key`` wins; without it ``OPENAI_API_KEY`` is used."""
    from julep.server.cli import _parser

    monkeypatch.setenv("OPENAI_API_KEY", MODEL_KEY)
    assert _parser().parse_args(["--model", "openai"]).model_key == MODEL_KEY
    assert _parser().parse_args(["--model-key", "other"]).model_key == "other"
    monkeypatch.delenv("OPENAI_API_KEY")
    assert _parser().parse_args([]).model_key is None


def test_openai_needs_a_url() -> None:
    """--model openai without --model-url is refused up front."""
    with pytest.raises(ValueError, match="model_url"):
        LocalServer(model="openai")


def test_a_url_without_the_openai_model_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve --model-url URL`` without ``--model openai`` would echo while its user
    thought a real model answered; so is ``--model-key``, while a model key from the
    environment is no such mistake."""
    from julep.server.cli import main

    with pytest.raises(ValueError, match="model_url is only used with model 'openai'"):
        LocalServer(model_url="http://127.0.0.1:9/v1")
    assert main(["--model-url", "http://127.0.0.1:9/v1", "--port", "0"]) == 2
    assert main(["--model-key", "sk-given", "--port", "0"]) == 2  # so is a key given
    monkeypatch.setenv("OPENAI_API_KEY", MODEL_KEY)
    with LocalServer(model_key=MODEL_KEY) as server:
        assert server.base_url.startswith("http://127.0.0.1:")


async def test_the_prompt_and_settings_are_sent(api: Api, fake: tuple[FakeModel, str]) -> None:
    """The endpoint gets the agent's model, the assembled messages and the settings."""
    model, _ = fake
    session_id = await _session(api)
    reply = await api.chat(session_id, "hi", max_tokens=50, stop=["\n"], seed=3, min_p=0.1)
    assert reply.status == 200, reply.body
    (sent,) = model.requests
    assert sent["model"] == "gpt-test"
    assert sent["messages"][0]["role"] == "system"
    assert (
        "be kind" in sent["messages"][0]["content"] and "testing" in sent["messages"][0]["content"]
    )
    assert sent["messages"][-1] == {"role": "user", "content": "hi"}
    assert (sent["max_tokens"], sent["stop"], sent["seed"], sent["temperature"]) == (
        50,
        ["\n"],
        3,
        0.3,
    )
    assert sent["min_p"] == 0.1
    assert sent["tools"] == [
        {"type": "function", "function": {"name": "lookup", "parameters": {"type": "object"}}}
    ]
    assert "stream" not in sent


async def test_the_reply_is_mapped(api: Api, fake: tuple[FakeModel, str]) -> None:
    """Content, finish reason and usage come from the endpoint's reply."""
    body = (await api.chat(await _session(api), "hi")).body
    assert body["response"][0][0]["content"] == "Hello from upstream"
    assert body["finish_reason"] == "length"
    assert body["usage"] == {"prompt_tokens": 11, "completion_tokens": 2, "total_tokens": 13}


async def test_missing_usage_falls_back_to_word_counts(
    api: Api, fake: tuple[FakeModel, str]
) -> None:
    """Without usage from the endpoint the server counts words."""
    fake[0].usage = False
    body = (await api.chat(await _session(api), "hi")).body
    assert body["usage"]["completion_tokens"] == 3


async def test_a_tool_call_becomes_a_function_call_message(
    api: Api, fake: tuple[FakeModel, str]
) -> None:
    """A tool call is returned as a function_call message holding the call as JSON."""
    fake[0].tool_call = True
    body = (await api.chat(await _session(api), "look it up")).body
    (message,) = body["response"][0]
    assert message["role"] == "function_call"
    assert orjson.loads(message["content"]) == {"name": "lookup", "arguments": '{"q": 1}'}
    assert body["finish_reason"] == "tool_calls"


async def test_credentials_in_the_model_url_reach_the_endpoint_only(
    fake: tuple[FakeModel, str],
) -> None:
    """user:password@ in model_url is sent to the endpoint (Basic auth) and appears in
    no 502 detail, which every API client reads (it was quoted whole)."""
    model, url = fake
    model.status = 503
    with_credentials = url.replace("http://", "http://bob:pw-0123456789@")
    async with (
        LocalServer(model="openai", model_url=with_credentials) as server,
        aiohttp.ClientSession() as session,
    ):
        api = Api(session, server.base_url)
        reply = await api.chat(await _session(api), "hi")
        assert reply.status == 502
        assert "pw-0123456789" not in reply.body["detail"]
        assert "pw-0123456789" not in repr(server.config)
    assert model.authorizations == ["Basic Ym9iOnB3LTAxMjM0NTY3ODk="]  # bob:pw-0123456789


def test_credentials_in_the_model_url_and_a_model_key_are_refused_up_front() -> None:
    """Both would be one Authorization header too many: every chat was a bare 500."""
    with pytest.raises(ValueError, match="credentials") as error:
        LocalServer(
            model="openai", model_url="http://bob:pw-secret@127.0.0.1:9/v1", model_key=MODEL_KEY
        )
    assert "pw-secret" not in str(error.value)


@pytest.mark.parametrize("url", ["not a url", "ftp://127.0.0.1/v1", "http://", "127.0.0.1:9/v1"])
def test_a_model_url_that_is_not_http_is_refused_up_front(url: str) -> None:
    with pytest.raises(ValueError, match="model_url must be an http"):
        LocalServer(model="openai", model_url=url)


async def test_an_endpoint_error_is_502(api: Api, fake: tuple[FakeModel, str]) -> None:
    """When the endpoint fails the chat is 502 and nothing is recorded."""
    fake[0].status = 503
    session_id = await _session(api)
    reply = await api.chat(session_id, "hi")
    assert reply.status == 502
    assert reply.body["detail"].startswith("model backend error:")
    assert (await api.get(f"/sessions/{session_id}/history")).body == {"items": []}


async def test_streaming_relays_the_endpoints_pieces(api: Api, fake: tuple[FakeModel, str]) -> None:
    """A streamed chat relays each upstream delta, then the final response and [DONE]."""
    session_id = await _session(api)
    reply = await api.chat(session_id, "hi", stream=True, headers={"Accept": "text/event-stream"})
    *chunks, final, done = sse_events(reply.body)
    assert [orjson.loads(c)["delta"]["content"] for c in chunks] == ["Hello", " from", " upstream"]
    assert orjson.loads(final)["usage"]["total_tokens"] == 13
    assert done == "[DONE]"
    assert fake[0].requests[0]["stream"] is True


async def test_a_stream_error_is_sent_as_an_error_event(
    api: Api, fake: tuple[FakeModel, str]
) -> None:
    """When the endpoint fails a streamed chat, the stream carries an error event and ends."""
    fake[0].status = 500
    session_id = await _session(api)
    reply = await api.chat(session_id, "hi", stream=True, headers={"Accept": "text/event-stream"})
    (event,) = sse_events(reply.body)
    error = orjson.loads(event)["error"]
    assert error["type"] == "backend_error" and "500" in error["message"]


async def test_templates_reach_the_model_rendered(api: Api, fake: tuple[FakeModel, str]) -> None:
    """With render_templates, the model's system, history and request messages are rendered."""
    agent_id = await api.agent(
        name="Ann", instructions=["Call me {{ agent.name }}"], metadata={"x": 1}
    )
    session_id = await api.session(
        agent_id,
        situation="Say 'hello {{ session.metadata.arg }}'",
        metadata={"arg": "world"},
        render_templates=True,
    )
    await api.chat(session_id, "first")
    messages = [
        {"role": "system", "content": [{"type": "text", "text": "x={{ agent.metadata.x }}"}]},
        {"role": "user", "content": "{{ raw }}"},
    ]
    reply = await api.post(f"/sessions/{session_id}/chat", json={"messages": messages})
    assert reply.status == 200, reply.body
    sent = fake[0].requests[-1]["messages"]
    assert "Say 'hello world'" in sent[0]["content"] and "Call me Ann" in sent[0]["content"]
    assert "{{" not in sent[0]["content"]
    assert sent[-2]["content"] == [{"type": "text", "text": "x=1"}]
    assert sent[-1] == {"role": "user", "content": "{{ raw }}"}


async def test_the_v1_gateway_is_answered_by_the_endpoint(
    api: Api, fake: tuple[FakeModel, str]
) -> None:
    """/v1 chat completions go to the endpoint as sent; a tool call comes back as tool_calls."""
    root = api.base_url.removesuffix("/api")
    messages = [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
    body = {"model": "gpt-x", "messages": messages, "temperature": 0.2, "min_p": 0.1}
    reply = await api.http.post(root + "/v1/chat/completions", json=body)
    data = await reply.json()
    assert data["choices"][0]["message"]["content"] == "Hello from upstream"
    assert data["usage"]["total_tokens"] == 13
    sent = fake[0].requests[-1]
    assert (sent["model"], sent["messages"], sent["temperature"], sent["min_p"]) == (
        "gpt-x",
        messages,
        0.2,
        0.1,
    )
    fake[0].tool_call = True
    reply = await api.http.post(root + "/v1/chat/completions", json=body)
    (choice,) = (await reply.json())["choices"]
    assert choice["finish_reason"] == "tool_calls"
    (call,) = choice["message"]["tool_calls"]
    assert call["function"] == {"name": "lookup", "arguments": '{"q": 1}'}
    fake[0].status = 503
    reply = await api.http.post(root + "/v1/completions", json={"prompt": "p"})
    assert reply.status == 502


async def test_a_prompt_over_1_mib_reaches_the_model_without_a_warning(
    fake: tuple[FakeModel, str],
) -> None:
    """aiohttp warns (ResourceWarning) when it sends a bytes or JSON body over 1 MiB:
    under filterwarnings = error (as here) or ``python -W error -m julep serve``,
    such a chat was a 500, streamed or not."""
    from julep import AsyncJulepApi

    model, url = fake
    content = "y" * (1024 * 1024 + 1000)
    async with (
        LocalServer(model="openai", model_url=url) as server,
        AsyncJulepApi(api_key="any", base_url=server.base_url, max_retries=0) as client,
    ):
        agent = await client.create_agent(name="Ann", model="gpt-test")
        session = await client.create_session(agent_id=agent.id)
        messages = [{"role": "user", "content": content}]
        await client.chat(session.id, messages=messages)
        async with client.chat_stream(session.id, messages=messages) as stream:
            async for _ in stream:
                pass
    assert len(model.requests) == 2
    assert [r["messages"][-1]["content"] for r in model.requests] == [content, content]


_ENDLESS_CHUNK = b"x" * 65536


async def _endless_body(request: web.Request) -> web.StreamResponse:
    """A reply that never ends (bounded here: 32 MiB), JSON or a stream of one long line."""
    response = web.StreamResponse(headers={"Content-Type": "application/json"})
    await response.prepare(request)
    try:
        for _ in range(512):
            await response.write(_ENDLESS_CHUNK)
    except ConnectionError:
        pass  # the server stopped reading: the point
    return response


async def _endless_stream(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    event = b'data: {"choices": [{"delta": {"content": "' + b"x" * 1000 + b'"}}]}\n\n'
    try:
        for _ in range(32_000):  # 32 MB, bounded
            await response.write(event)
    except ConnectionError:
        pass
    return response


@pytest.mark.parametrize(
    ("handler", "stream", "why"),
    [
        (_endless_body, False, "sent a reply of more than 1048576 bytes"),
        (_endless_stream, True, "sent a stream of more than 1048576 bytes"),
        (_endless_body, True, "sent a stream that is not chat completion chunks"),
    ],
)
async def test_a_reply_past_the_bound_is_a_backend_error_not_buffered(
    monkeypatch: pytest.MonkeyPatch,
    handler: typing.Callable[[web.Request], typing.Awaitable[web.StreamResponse]],
    stream: bool,
    why: str,
) -> None:
    """The endpoint's reply was read whole, whatever its size (gigabytes within the 300 s
    timeout from an endless one), and a stream line too long for aiohttp was a 500 with
    a traceback; now past MAX_REPLY_BYTES the chat fails with the backend's error
    (atkY repro/06)."""
    monkeypatch.setattr(openai_compat, "MAX_REPLY_BYTES", 1 << 20)
    async with (
        model_endpoint(handler) as url,
        LocalServer(model="openai", model_url=url, model_key=MODEL_KEY) as server,
        aiohttp.ClientSession() as session,
    ):
        api = Api(session, server.base_url)
        session_id = await api.session(await api.agent(name="a"))
        headers = {"Accept": "text/event-stream"} if stream else None
        reply = await api.chat(session_id, "hi", stream=stream, headers=headers)
    if stream:
        error = orjson.loads(sse_events(reply.body)[-1])["error"]
        assert error["type"] == "backend_error"
        assert why in error["message"]
    else:
        assert reply.status == 502
        assert why in reply.body["detail"]
