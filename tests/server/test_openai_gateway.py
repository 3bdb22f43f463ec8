"""The /v1 model gateway of julep 0.3.9's Client: OpenAI's wire format, answered by the backend."""

from __future__ import annotations

import typing
import urllib.error
import urllib.request

import aiohttp
import hypothesis
import orjson
import pytest
from hypothesis import strategies as st

from julep.server import LocalServer

from .helpers import Api, sse_events

pytestmark = pytest.mark.anyio


def _root(server: LocalServer) -> str:
    return server.base_url.removesuffix("/api")


@pytest.fixture
async def v1(server: LocalServer) -> typing.AsyncIterator[Api]:
    async with aiohttp.ClientSession() as session:
        yield Api(session, _root(server) + "/v1")


def _chunks(text: str) -> tuple[list[dict[str, typing.Any]], str]:
    *events, done = sse_events(text)
    return [orjson.loads(event) for event in events], done


async def test_chat_completion_is_openai_shaped(v1: Api) -> None:
    """A chat completion has id, object, created, model, one choice and usage."""
    body = {
        "model": "m1",
        "messages": [{"role": "system", "content": "x"}, {"role": "user", "content": "hi"}],
    }
    reply = await v1.post("/chat/completions", json=body)
    assert reply.status == 200, reply.body
    data = reply.body
    assert data["id"].startswith("chatcmpl-") and isinstance(data["created"], int)
    assert (data["object"], data["model"]) == ("chat.completion", "m1")
    (choice,) = data["choices"]
    assert choice["message"] == {"role": "assistant", "content": 'You said: "hi".'}
    assert (choice["index"], choice["finish_reason"]) == (0, "stop")
    usage = data["usage"]
    assert usage == {"prompt_tokens": 2, "completion_tokens": 3, "total_tokens": 5}


async def test_chat_completion_streams_chunks_then_done(v1: Api) -> None:
    """stream=true sends chunks (role first), a finish chunk, a usage chunk on request, [DONE]."""
    body = {
        "messages": [{"role": "user", "content": "hello there"}],
        "stream": True,
        "stream_options": {"include_usage": True},
        "seed": 4,
    }
    reply = await v1.post("/chat/completions", json=body)
    assert reply.status == 200 and reply.headers["Content-Type"] == "text/event-stream"
    chunks, done = _chunks(reply.body)
    assert done == "[DONE]"
    assert {chunk["object"] for chunk in chunks} == {"chat.completion.chunk"}
    assert len({chunk["id"] for chunk in chunks}) == 1
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    *pieces, finish, usage = chunks
    text = "".join(c["choices"][0]["delta"].get("content", "") for c in pieces)
    whole = (await v1.post("/chat/completions", json={**body, "stream": False})).body
    assert text == whole["choices"][0]["message"]["content"]
    assert finish["choices"][0] == {
        "index": 0,
        "delta": {},
        "finish_reason": "stop",
        "logprobs": None,
    }
    assert usage["choices"] == [] and usage["usage"] == whole["usage"]


async def test_text_completions_one_choice_per_prompt(v1: Api) -> None:
    """A list of prompts gets one choice each; max_tokens defaults to 16 as OpenAI's does."""
    long = " ".join(["word"] * 30)
    reply = await v1.post("/completions", json={"model": "m", "prompt": ["Say hi", long]})
    assert reply.status == 200, reply.body
    data = reply.body
    assert data["object"] == "text_completion" and data["id"].startswith("cmpl-")
    first, second = data["choices"]
    assert (first["index"], first["text"], first["finish_reason"]) == (
        0,
        'You said: "Say hi".',
        "stop",
    )
    assert second["index"] == 1 and second["finish_reason"] == "length"
    assert len(second["text"].split()) == 16
    assert data["usage"]["total_tokens"] == sum(
        data["usage"][k] for k in ("prompt_tokens", "completion_tokens")
    )


async def test_text_completion_streams(v1: Api) -> None:
    """A streamed completion sends text pieces, a finish chunk and [DONE]."""
    reply = await v1.post("/completions", json={"prompt": "abc def", "stream": True})
    chunks, done = _chunks(reply.body)
    assert done == "[DONE]"
    assert "".join(c["choices"][0]["text"] for c in chunks) == 'You said: "abc def".'
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


@pytest.mark.parametrize(
    ("path", "body", "detail"),
    [
        ("/chat/completions", {"messages": []}, "messages: expected a non-empty list"),
        ("/chat/completions", {"messages": [{"content": "x"}]}, "messages[0].role:"),
        (
            "/chat/completions",
            {"messages": [{"role": "user", "content": 1}]},
            "messages[0].content:",
        ),
        ("/chat/completions", [], "body: expected a JSON object"),
        ("/completions", {"prompt": [[1, 2]]}, "prompt: token arrays are not supported"),
        ("/completions", {"prompt": "x", "max_tokens": 0}, "max_tokens: expected a positive"),
        # A null max_tokens does not hide max_completion_tokens (atkW repro/03).
        (
            "/chat/completions",
            {
                "messages": [{"role": "user", "content": "x"}],
                "max_tokens": None,
                "max_completion_tokens": 0,
            },
            "max_tokens: expected a positive",
        ),
        ("/completions", {"prompt": "x", "temperature": "hot"}, "temperature: expected a number"),
        # OpenAI's ranges, n and stream: a request it would refuse is not answered as if fine.
        (
            "/chat/completions",
            {"messages": [{"role": "user", "content": "x"}], "temperature": 99},
            "temperature: expected a number in [0, 2], got 99",
        ),
        ("/completions", {"prompt": "x", "top_p": 1.5}, "top_p: expected a number in [0, 1]"),
        ("/completions", {"prompt": "x", "presence_penalty": -3}, "presence_penalty: expected"),
        ("/completions", {"prompt": "x", "n": 3}, "n: only 1 choice is made here, got 3"),
        ("/completions", {"prompt": "x", "n": True}, "n: only 1 choice"),
        ("/completions", {"prompt": "x", "stream": "yes"}, "stream: expected a boolean"),
        # julep's own options in the ranges its chat takes; OpenAI's 4 stop sequences.
        ("/completions", {"prompt": "x", "min_p": -5}, "min_p: expected a number in [0, 1)"),
        ("/completions", {"prompt": "x", "min_p": 1}, "min_p: expected a number in [0, 1)"),
        ("/completions", {"prompt": "x", "repetition_penalty": 3}, "repetition_penalty: exp"),
        ("/completions", {"prompt": "x", "length_penalty": -1}, "length_penalty: expected"),
        ("/completions", {"prompt": "x", "stop": list("abcde")}, "stop: at most 4 sequences"),
    ],
)
async def test_a_bad_body_is_422_with_detail(v1: Api, path: str, body: object, detail: str) -> None:
    """Bodies the gateway cannot use are 422 {"detail": ...} naming the field."""
    reply = await v1.post(path, json=body)
    assert reply.status == 422
    assert reply.body["detail"].startswith(detail), reply.body


async def test_the_gateway_needs_the_same_key() -> None:
    """With an API key, /v1 refuses a wrong key (403) and takes it as a Bearer token."""
    async with LocalServer(api_key="gw-key") as server, aiohttp.ClientSession() as session:
        v1 = Api(session, _root(server) + "/v1")
        body = {"prompt": "hi"}
        assert (await v1.post("/completions", json=body)).status == 403
        wrong = await v1.post("/completions", json=body, headers={"Authorization": "Bearer no"})
        assert wrong.body == {"detail": "Could not validate API KEY"}
        ok = await v1.post("/completions", json=body, headers={"Authorization": "Bearer gw-key"})
        assert ok.status == 200


def _post(url: str, body: dict[str, typing.Any]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=orjson.dumps(body), method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read()


def test_streamed_and_whole_answers_agree() -> None:
    """For any prompt, stop and max_tokens the streamed text equals the whole answer."""
    with LocalServer() as server:
        url = _root(server) + "/v1/chat/completions"

        @hypothesis.settings(max_examples=30, deadline=None, database=None)
        @hypothesis.given(
            text=st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60),
            max_tokens=st.integers(1, 40),
            stop=st.lists(st.text(min_size=1, max_size=3), max_size=2),
        )
        def run(text: str, max_tokens: int, stop: list[str]) -> None:
            body = {
                "messages": [{"role": "user", "content": text}],
                "max_tokens": max_tokens,
                "stop": stop,
            }
            status, raw = _post(url, body)
            assert status == 200
            whole = orjson.loads(raw)
            assert whole["usage"]["completion_tokens"] <= max_tokens
            status, raw = _post(url, {**body, "stream": True})
            chunks, done = _chunks(raw.decode())
            streamed = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
            assert done == "[DONE]"
            assert streamed.strip() == whole["choices"][0]["message"]["content"].strip()
            assert chunks[-1]["choices"][0]["finish_reason"] == whole["choices"][0]["finish_reason"]

        run()


async def test_a_completion_has_at_most_128_prompts(v1: Api) -> None:
    """Each prompt is one backend call: a list of a million of them (4 MB) held the event
    loop, and so every other request, for ~17 s. Past the cap it is a 422 naming ``prompt``."""
    reply = await v1.post("/completions", json={"model": "m", "prompt": [""] * 129})
    assert (reply.status, reply.body["detail"]) == (422, "prompt: at most 128 items, got 129")
    reply = await v1.post("/completions", json={"model": "m", "prompt": ["hi"] * 128})
    assert reply.status == 200
    assert len(reply.body["choices"]) == 128


@pytest.mark.parametrize("null_max_tokens", [False, True])
async def test_max_completion_tokens_limits_the_reply(v1: Api, null_max_tokens: bool) -> None:
    """max_completion_tokens (OpenAI's newer name) cuts the reply, also beside a null
    max_tokens, which a client writing every key sends (atkW repro/03)."""
    body: dict[str, typing.Any] = {
        "messages": [{"role": "user", "content": "tell me a long story about trams"}],
        "max_completion_tokens": 1,
    }
    if null_max_tokens:
        body["max_tokens"] = None
    reply = await v1.post("/chat/completions", json=body)
    assert reply.status == 200, reply.body
    assert reply.body["usage"]["completion_tokens"] == 1
