"""A backend for any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp, Ollama...).

It POSTs the assembled messages and settings to ``<model_url>/chat/completions``
and maps the reply. A tool call comes back as a ``function_call`` message
whose content is the call as JSON (``{"name": ..., "arguments": ...}``); when
streaming it arrives whole in the final ``Completion``, not as pieces. When
the endpoint reports no usage, word counts stand in for it.
"""

from __future__ import annotations

import base64
import json
import typing

import aiohttp
import orjson
import yarl

from ..._payload import body
from ._types import BackendError, Completion, Prompt

FINISH_REASONS = frozenset({"stop", "length", "tool_calls", "content_filter", "function_call"})
_TIMEOUT = aiohttp.ClientTimeout(total=300, sock_connect=10)
# The most of a model's reply (or of its stream) that is read: a reply of max_tokens
# (at most 16,384 tokens) is well under a megabyte; an endpoint or proxy sending an
# endless body made the server buffer all of it, gigabytes within the timeout.
MAX_REPLY_BYTES = 64 * 1024 * 1024
# The most of an error body that is read: a 502's detail quotes its first 200 characters.
MAX_ERROR_BYTES = 64 * 1024


_JSON = {"Content-Type": "application/json"}


def _json_body(payload: dict[str, typing.Any]) -> bytes | aiohttp.payload.Payload:
    """What ``json=payload`` sends (``json.dumps``, UTF-8), without aiohttp's
    ResourceWarning for a prompt over 1 MiB (see ``julep._payload``)."""
    return body(json.dumps(payload).encode())


def _payload(prompt: Prompt, *, stream: bool) -> dict[str, typing.Any]:
    settings = prompt.settings
    messages = []
    for message in prompt.messages:
        item: dict[str, typing.Any] = {"role": message.role, "content": message.content}
        if message.name:
            item["name"] = message.name
        messages.append(item)
    payload: dict[str, typing.Any] = {
        "model": prompt.model,
        "messages": messages,
        "max_tokens": settings.max_tokens,
    }
    optional = {
        "temperature": settings.temperature,
        "top_p": settings.top_p,
        "frequency_penalty": settings.frequency_penalty,
        "presence_penalty": settings.presence_penalty,
        "seed": settings.seed,
        "logit_bias": settings.logit_bias,
        "response_format": settings.response_format,
        "stop": list(settings.stop) or None,
        "tools": list(prompt.tools) or None,
        "tool_choice": prompt.tool_choice if prompt.tools else None,
    }
    payload.update({key: value for key, value in optional.items() if value is not None})
    payload.update(settings.extra)
    if stream:
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
    return payload


def _finish_reason(value: object) -> str:
    return value if isinstance(value, str) and value in FINISH_REASONS else "stop"


def _text(content: object) -> str:
    """A reply's message content as text: a string, nothing, or OpenAI's list of parts
    (whose text parts are joined); TypeError for anything else."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(part, dict) for part in content):
        return "".join(
            part["text"]
            for part in content
            if part.get("type") == "text" and isinstance(part.get("text"), str)
        )
    raise TypeError(f"message content is {type(content).__name__}, not text")


def _tool_call_json(calls: list[dict[str, typing.Any]]) -> str:
    function = calls[0].get("function") or {}
    return orjson.dumps(
        {"name": function.get("name", ""), "arguments": function.get("arguments", "")}
    ).decode()


def _completion(
    prompt: Prompt,
    content: str,
    finish_reason: object,
    usage: object,
    tool_calls: list[dict[str, typing.Any]],
) -> Completion:
    role = "assistant"
    if tool_calls:
        role, content = "function_call", _tool_call_json(tool_calls)
    counts = usage if isinstance(usage, dict) else {}
    prompt_tokens = counts.get("prompt_tokens")
    completion_tokens = counts.get("completion_tokens")
    return Completion(
        content=content,
        finish_reason=_finish_reason(finish_reason),
        prompt_tokens=prompt_tokens if isinstance(prompt_tokens, int) else prompt.prompt_tokens(),
        completion_tokens=(
            completion_tokens if isinstance(completion_tokens, int) else len(content.split())
        ),
        role=role,
    )


def _basic_token(user: str, password: str) -> str | None:
    """The token of the ``Authorization: Basic`` aiohttp sends for URL credentials (their
    latin-1 bytes in base64), or None when there is no password to hide."""
    if not password:
        return None
    try:
        return base64.b64encode(f"{user}:{password}".encode("latin-1")).decode("ascii")
    except UnicodeEncodeError:  # aiohttp cannot send these either
        return None


async def _read_at_most(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The body, or None when it is longer than ``limit`` bytes (the rest is not read)."""
    if response.content_length is not None and response.content_length > limit:
        return None
    data = await response.content.read(limit + 1)  # returns what came when the body ends
    chunks = [data]
    total = len(data)
    while data and total <= limit:
        data = await response.content.read(limit + 1 - total)
        chunks.append(data)
        total += len(data)
    return None if total > limit else b"".join(chunks)


class OpenAIBackend:
    """Chat completions from ``<base_url>/chat/completions``."""

    def __init__(self, base_url: str, *, api_key: str | None = None) -> None:
        self._post_url = yarl.URL(base_url.rstrip("/") + "/chat/completions")
        # What messages and the repr show: without user:password@, which are
        # for the endpoint only (a 502's detail goes to every API client).
        self.url = str(self._post_url.with_user(None))
        # Kept out of reprs and messages: only the session's default headers hold it.
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # URL credentials go out as "Authorization: Basic <base64 of user:password>": an
        # endpoint quoting that header shows the password in that form, so it is blanked too.
        basic = _basic_token(self._post_url.user or "", self._post_url.password or "")
        # Longest first: a password inside the token must not be blanked before the token.
        self._secrets = tuple(
            sorted(
                (
                    secret
                    for secret in (api_key, self._post_url.password, basic)
                    if secret and secret.strip()
                ),
                key=len,
                reverse=True,
            )
        )
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"OpenAIBackend({self.url!r})"

    def _quote(self, body: bytes) -> str:
        """The start of an error body for a 502's detail, which every API client sees: an
        endpoint that quotes the request's Authorization (or URL) must not show them the
        model key, so it is blanked before the body is cut short."""
        text = body.decode(errors="replace")
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return repr(text[:200])

    def _client(self) -> aiohttp.ClientSession:
        # Created on first use, so it belongs to the loop the server runs on.
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=_TIMEOUT, headers=self._headers)
        return self._session

    async def complete(self, prompt: Prompt) -> Completion:
        try:
            async with self._client().post(
                self._post_url,
                data=_json_body(_payload(prompt, stream=False)),
                headers=_JSON,
            ) as response:
                if response.status >= 300:
                    raw = await _read_at_most(response, MAX_ERROR_BYTES) or b""
                    raise BackendError(f"{self.url} answered {response.status}: {self._quote(raw)}")
                reply = await _read_at_most(response, MAX_REPLY_BYTES)
        except aiohttp.ClientError as exc:
            raise BackendError(f"{self.url} failed: {exc}") from exc
        if reply is None:
            raise BackendError(f"{self.url} sent a reply of more than {MAX_REPLY_BYTES} bytes")
        try:
            data = orjson.loads(reply)
            choice = data["choices"][0]
            message = choice["message"]
            return _completion(
                prompt,
                _text(message.get("content")),
                choice.get("finish_reason"),
                data.get("usage"),
                message.get("tool_calls") or [],
            )
        except (orjson.JSONDecodeError, KeyError, IndexError, TypeError, AttributeError) as exc:
            raise BackendError(f"{self.url} sent a reply that is not a chat completion") from exc

    async def stream(self, prompt: Prompt) -> typing.AsyncIterator[list[str] | Completion]:
        content: list[str] = []
        finish_reason: object = None
        usage: object = None
        calls: dict[int, dict[str, typing.Any]] = {}
        try:
            async with self._client().post(
                self._post_url,
                data=_json_body(_payload(prompt, stream=True)),
                headers=_JSON,
            ) as response:
                if response.status >= 300:
                    raw = await _read_at_most(response, MAX_ERROR_BYTES) or b""
                    raise BackendError(f"{self.url} answered {response.status}: {self._quote(raw)}")
                received = 0
                async for line in response.content:
                    received += len(line)
                    if received > MAX_REPLY_BYTES:
                        raise BackendError(
                            f"{self.url} sent a stream of more than {MAX_REPLY_BYTES} bytes"
                        )
                    data = line.strip()
                    if not data.startswith(b"data:"):
                        continue
                    data = data[5:].strip()
                    if data == b"[DONE]":
                        break
                    chunk = orjson.loads(data)
                    usage = chunk.get("usage") or usage
                    for choice in chunk.get("choices") or ():
                        finish_reason = choice.get("finish_reason") or finish_reason
                        delta = choice.get("delta") or {}
                        for call in delta.get("tool_calls") or ():
                            _merge_call(calls.setdefault(call.get("index", 0), {}), call)
                        if piece := _text(delta.get("content")):
                            content.append(piece)
                            yield [piece]
        except aiohttp.ClientError as exc:
            raise BackendError(f"{self.url} failed: {exc}") from exc
        except (
            orjson.JSONDecodeError,
            AttributeError,
            TypeError,
            ValueError,
            aiohttp.http_exceptions.HttpProcessingError,
        ) as exc:
            # A line longer than aiohttp reads (LineTooLong) was a 500 and a traceback.
            raise BackendError(
                f"{self.url} sent a stream that is not chat completion chunks"
            ) from exc
        tool_calls = [calls[index] for index in sorted(calls)]
        yield _completion(prompt, "".join(content), finish_reason, usage, tool_calls)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _merge_call(target: dict[str, typing.Any], delta: dict[str, typing.Any]) -> None:
    # Streamed tool calls come in fragments: the name once, the arguments in pieces.
    function = target.setdefault("function", {"name": "", "arguments": ""})
    fragment = delta.get("function") or {}
    function["name"] += fragment.get("name") or ""
    function["arguments"] += fragment.get("arguments") or ""
