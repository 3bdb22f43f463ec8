"""The model gateway: ``POST /v1/chat/completions`` and ``POST /v1/completions``.

julep 0.3.9's ``julep.Client`` also builds an OpenAI client at
``{scheme}://{host}/v1`` with the same API key (``client.chat.completions``,
``client.completions``), so these routes sit outside ``/api``, behind the
same key. They speak OpenAI's wire format, streaming included (``data:``
chunks, then ``data: [DONE]``; a usage chunk too when
``stream_options.include_usage`` is true), and the configured model backend
answers them: the echo model, or the OpenAI-compatible endpoint.

- The request's messages go to the backend as they are: no agent, session,
  history or docs (the echo model says back the last message).
- A completion is answered as a chat whose one user message is the prompt;
  a list of prompts (at most 128: each is a backend call) gets one choice
  per prompt. Token-array prompts are refused (422). ``max_tokens``
  defaults to 16 for completions, as OpenAI's does, and to 200 for chats.
- Keys the backend does not use (``logprobs``, ``user``...) are ignored,
  but ``n`` must be 1 (one choice is all it makes), ``stream`` a boolean,
  and the sampling numbers within OpenAI's ranges; julep's own sampling
  options (``min_p``, ``repetition_penalty``, ``length_penalty``, which the
  wrapper puts in the body) are passed on, within the ranges julep's chat
  takes them in; ``stop`` holds at most 4 sequences.
- A tool call of the model comes back as ``tool_calls`` (finish reason
  ``tool_calls``).
- Errors are ``{"detail": ...}``: 422 for a bad body, 502 when the model
  fails before a stream started; a failure during a stream is sent as
  ``data: {"error": {...}}`` and the stream ends.
"""

from __future__ import annotations

import contextlib
import time
import typing
import uuid

import orjson
from aiohttp import web

from .. import sse
from ..backends import Backend, BackendError, Completion, Message, Prompt, Settings
from ..bodies import ExpectHandler
from ..errors import RequestError, invalid
from ..params import json_body
from ..prompt import DEFAULT_MAX_TOKENS, text_of
from ..ranges import RANGES, STOP_ITEMS, Range
from ..schemas import ChatRequest
from ..state import STATE

PREFIX = "/v1"
DEFAULT_MODEL = "julep-ai/samantha-1-turbo"  # the wrapper's default
COMPLETIONS_MAX_TOKENS = 16  # OpenAI's default for /completions
# julep's own sampling options, in the ranges its chat takes them in.
_JULEP_SAMPLING = {
    name: RANGES[ChatRequest][name] for name in ("min_p", "repetition_penalty", "length_penalty")
}
_MAX_STOP = STOP_ITEMS[1]  # OpenAI's limit too: up to 4 sequences
# OpenAI's ranges: a client that sends temperature=99 is told so, not answered.
_FLOATS = {
    "temperature": Range(0, 2),
    "top_p": Range(0, 1),
    "frequency_penalty": Range(-2, 2),
    "presence_penalty": Range(-2, 2),
}

JSONObject = dict[str, typing.Any]


def register(app: web.Application, expect: ExpectHandler) -> None:
    app.router.add_post(PREFIX + "/chat/completions", chat_completions, expect_handler=expect)
    app.router.add_post(PREFIX + "/completions", completions, expect_handler=expect)


# --- reading the request -------------------------------------------------------


async def _object(request: web.Request) -> JSONObject:
    data = await json_body(request)
    if not isinstance(data, dict):
        raise invalid("body: expected a JSON object")
    return data


def _number(data: JSONObject, name: str, allowed: Range | None = None) -> float | None:
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise invalid(f"{name}: expected a number, got {value!r}")
    if allowed is not None and not allowed.holds(value):
        raise invalid(f"{name}: expected a number in {allowed.describe()}, got {value!r}")
    return float(value)


def _max_tokens(data: JSONObject, default: int) -> int:
    # A null max_tokens (a client writing every key) is no value: it must not
    # hide max_completion_tokens, OpenAI's newer name for it.
    value = data.get("max_tokens")
    if value is None:
        value = data.get("max_completion_tokens")
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise invalid(f"max_tokens: expected a positive integer, got {value!r}")
    return value


def _stop(data: JSONObject) -> tuple[str, ...]:
    value = data.get("stop")
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        if len(value) > _MAX_STOP:
            raise invalid(f"stop: at most {_MAX_STOP} sequences, got {len(value)}")
        return tuple(value)
    raise invalid("stop: expected a string or a list of strings")


def _settings(data: JSONObject, default_max_tokens: int) -> Settings:
    seed = data.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise invalid(f"seed: expected an integer, got {seed!r}")
    logit_bias = data.get("logit_bias")
    response_format = data.get("response_format")
    n = data.get("n")
    if n is not None and (n.__class__ is not int or n != 1):
        raise invalid(f"n: only 1 choice is made here, got {n!r}")
    floats = {name: _number(data, name, allowed) for name, allowed in _FLOATS.items()}
    extra = {name: _number(data, name, allowed) for name, allowed in _JULEP_SAMPLING.items()}
    return Settings(
        max_tokens=_max_tokens(data, default_max_tokens),
        stop=_stop(data),
        seed=seed,
        temperature=floats["temperature"],
        top_p=floats["top_p"],
        frequency_penalty=floats["frequency_penalty"],
        presence_penalty=floats["presence_penalty"],
        logit_bias=logit_bias if isinstance(logit_bias, dict) else None,
        response_format=response_format if isinstance(response_format, dict) else None,
        extra={name: value for name, value in extra.items() if value is not None},
    )


def _model(data: JSONObject) -> str:
    model = data.get("model", DEFAULT_MODEL)
    if not isinstance(model, str):
        raise invalid(f"model: expected a string, got {model!r}")
    return model


def _message(index: int, raw: object) -> Message:
    where = f"messages[{index}]"
    if not isinstance(raw, dict):
        raise invalid(f"{where}: expected an object")
    role, content, name = raw.get("role"), raw.get("content"), raw.get("name")
    if not isinstance(role, str):
        raise invalid(f"{where}.role: expected a string, got {role!r}")
    if content is None:
        content = ""
    if not isinstance(content, str) and not (
        isinstance(content, list) and all(isinstance(part, dict) for part in content)
    ):
        raise invalid(f"{where}.content: expected a string or a list of content parts")
    if name is not None and not isinstance(name, str):
        raise invalid(f"{where}.name: expected a string, got {name!r}")
    return Message(role=role, content=content, text=text_of(content), name=name)


def _tools(data: JSONObject) -> tuple[JSONObject, ...]:
    tools = data.get("tools") or []
    if not isinstance(tools, list) or not all(isinstance(tool, dict) for tool in tools):
        raise invalid("tools: expected a list of tool objects")
    return tuple(tools)


def _prompt(model: str, messages: tuple[Message, ...], data: JSONObject, max_tokens: int) -> Prompt:
    tool_choice = data.get("tool_choice")
    return Prompt(
        model=model,
        instructions=(),
        situation=None,
        docs=(),
        messages=messages,
        history_count=0,
        last_text=messages[-1].text,
        settings=_settings(data, max_tokens),
        tools=_tools(data),
        tool_choice=tool_choice if isinstance(tool_choice, (str, dict)) else None,
    )


def _chat_prompt(data: JSONObject) -> Prompt:
    raw = data.get("messages")
    if not isinstance(raw, list) or not raw:
        raise invalid("messages: expected a non-empty list of messages")
    messages = tuple(_message(index, item) for index, item in enumerate(raw))
    return _prompt(_model(data), messages, data, DEFAULT_MAX_TOKENS)


def _completion_prompts(data: JSONObject) -> list[Prompt]:
    raw = data.get("prompt", "")
    prompts = [raw] if isinstance(raw, str) else raw
    if not isinstance(prompts, list) or not prompts:
        raise invalid("prompt: expected a string or a non-empty list of strings")
    if not all(isinstance(text, str) for text in prompts):
        raise invalid("prompt: token arrays are not supported; send text")
    model = _model(data)
    return [
        _prompt(
            model,
            (Message(role="user", content=text, text=text),),
            data,
            COMPLETIONS_MAX_TOKENS,
        )
        for text in prompts
    ]


def _wants_stream(data: JSONObject) -> tuple[bool, bool]:
    """Whether to stream, and whether to end the stream with a usage chunk."""
    stream = data.get("stream")
    if stream is not None and not isinstance(stream, bool):
        raise invalid(f"stream: expected a boolean, got {stream!r}")
    options = data.get("stream_options")
    usage = isinstance(options, dict) and options.get("include_usage") is True
    return stream is True, usage


# --- the answers ------------------------------------------------------------------


def _usage(completions: typing.Sequence[Completion]) -> JSONObject:
    prompt = sum(c.prompt_tokens for c in completions)
    completion = sum(c.completion_tokens for c in completions)
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    }


def _assistant(completion: Completion) -> tuple[JSONObject, str]:
    """The OpenAI message and finish reason of a completion (a tool call as ``tool_calls``)."""
    if completion.role == "function_call":
        try:
            call = orjson.loads(completion.content)
        except orjson.JSONDecodeError:
            call = {"name": "", "arguments": completion.content}
        tool_call = {
            "id": f"call_{uuid.uuid4().hex}",
            "type": "function",
            "function": {"name": call.get("name", ""), "arguments": call.get("arguments", "")},
        }
        return {"role": "assistant", "content": None, "tool_calls": [tool_call]}, "tool_calls"
    return {"role": "assistant", "content": completion.content}, completion.finish_reason


async def _complete(backend: Backend, prompt: Prompt) -> Completion:
    try:
        return await backend.complete(prompt)
    except BackendError as exc:
        raise RequestError(502, f"model backend error: {exc}") from exc


async def chat_completions(request: web.Request) -> web.StreamResponse:
    data = await _object(request)
    prompt = _chat_prompt(data)
    backend = request.app[STATE].backend
    stream, usage = _wants_stream(data)
    head = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "created": int(time.time()),
        "model": prompt.model,
    }
    if stream:
        return await _stream_chat(request, backend, prompt, head, usage)
    completion = await _complete(backend, prompt)
    message, finish_reason = _assistant(completion)
    choice = {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
    body = {**head, "object": "chat.completion", "choices": [choice], "usage": _usage([completion])}
    return web.json_response(body, dumps=_dumps)


async def completions(request: web.Request) -> web.StreamResponse:
    data = await _object(request)
    prompts = _completion_prompts(data)
    backend = request.app[STATE].backend
    stream, usage = _wants_stream(data)
    head = {
        "id": f"cmpl-{uuid.uuid4().hex}",
        "created": int(time.time()),
        "model": prompts[0].model,
    }
    if stream:
        return await _stream_text(request, backend, prompts, head, usage)
    done = [await _complete(backend, prompt) for prompt in prompts]
    choices = [
        {"index": index, "text": c.content, "finish_reason": c.finish_reason, "logprobs": None}
        for index, c in enumerate(done)
    ]
    body = {**head, "object": "text_completion", "choices": choices, "usage": _usage(done)}
    return web.json_response(body, dumps=_dumps)


def _dumps(value: object) -> str:
    return orjson.dumps(value).decode()


def _event(value: JSONObject) -> bytes:
    return sse.event(orjson.dumps(value))


async def _stream_chat(
    request: web.Request, backend: Backend, prompt: Prompt, head: JSONObject, usage: bool
) -> web.StreamResponse:
    chunk = {**head, "object": "chat.completion.chunk"}

    def delta(content: JSONObject, finish_reason: str | None) -> bytes:
        choice = {"index": 0, "delta": content, "finish_reason": finish_reason, "logprobs": None}
        return _event({**chunk, "choices": [choice]})

    stream = await sse.open_stream(request)
    try:
        await stream.write(delta({"role": "assistant", "content": ""}, None))
        completion: Completion | None = None
        async for item in backend.stream(prompt):
            if isinstance(item, Completion):
                completion = item
            else:
                await stream.write(b"".join(delta({"content": piece}, None) for piece in item))
        if completion is None:
            raise BackendError("the model's stream ended without a result")
        message, finish_reason = _assistant(completion)
        ending = b""
        if "tool_calls" in message:
            calls = [{"index": 0, **message["tool_calls"][0]}]
            ending = delta({"tool_calls": calls}, None)
        ending += delta({}, finish_reason)
        if usage:
            ending += _event({**chunk, "choices": [], "usage": _usage([completion])})
        await stream.write(ending + sse.DONE)
        await stream.write_eof()
    except ConnectionError:
        pass  # the client went away; there is no one to tell
    except BackendError as exc:
        await _fail(stream, f"model backend error: {exc}")
    return stream


async def _stream_text(
    request: web.Request,
    backend: Backend,
    prompts: list[Prompt],
    head: JSONObject,
    usage: bool,
) -> web.StreamResponse:
    chunk = {**head, "object": "text_completion"}

    def piece(index: int, text: str, finish_reason: str | None) -> bytes:
        choice = {"index": index, "text": text, "finish_reason": finish_reason, "logprobs": None}
        return _event({**chunk, "choices": [choice]})

    stream = await sse.open_stream(request)
    done: list[Completion] = []
    try:
        for index, prompt in enumerate(prompts):
            completion: Completion | None = None
            async for item in backend.stream(prompt):
                if isinstance(item, Completion):
                    completion = item
                else:
                    await stream.write(b"".join(piece(index, text, None) for text in item))
            if completion is None:
                raise BackendError("the model's stream ended without a result")
            done.append(completion)
            await stream.write(piece(index, "", completion.finish_reason))
        ending = _event({**chunk, "choices": [], "usage": _usage(done)}) if usage else b""
        await stream.write(ending + sse.DONE)
        await stream.write_eof()
    except ConnectionError:
        pass
    except BackendError as exc:
        await _fail(stream, f"model backend error: {exc}")
    return stream


async def _fail(stream: web.StreamResponse, message: str) -> None:
    with contextlib.suppress(ConnectionError):
        await stream.write(sse.error(message, "backend_error"))
        await stream.write_eof()
