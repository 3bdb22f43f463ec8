"""Chat, whole or streamed."""

from __future__ import annotations

import asyncio
import time
import typing

import attrs

from .. import _http
from .. import _params as p
from .._base_client import BaseAsyncClient, _log_failure
from .._idempotency import fresh_key
from .._streaming import AsyncChatStream
from .._types import OMIT, JSONObject
from ..errors import (
    APIConnectionError,
    APIError,
    ClientClosedError,
    StreamError,
    StreamTimeoutError,
)
from ..models import (
    ChatInputDataToolChoice,
    ChatMlMessage,
    ChatResponse,
    ChatSettingsResponseFormat,
    ChatSettingsStop,
    InputChatMlMessage,
    Tool,
)
from .chat_body import chat_body


class ChatOperations(BaseAsyncClient):
    async def chat(
        self,
        session_id: str,
        *,
        messages: typing.Sequence[InputChatMlMessage | ChatMlMessage | JSONObject],
        tools: typing.Sequence[Tool | JSONObject] | None = OMIT,
        tool_choice: ChatInputDataToolChoice | JSONObject | None = OMIT,
        frequency_penalty: float | None = OMIT,
        length_penalty: float | None = OMIT,
        logit_bias: dict[str, int | None] | None = OMIT,
        max_tokens: int | None = OMIT,
        presence_penalty: float | None = OMIT,
        repetition_penalty: float | None = OMIT,
        response_format: ChatSettingsResponseFormat | JSONObject | None = OMIT,
        seed: int | None = OMIT,
        stop: ChatSettingsStop = OMIT,
        stream: bool | None = OMIT,
        temperature: float | None = OMIT,
        top_p: float | None = OMIT,
        min_p: float | None = OMIT,
        preset: p.PresetArg | None = OMIT,
        recall: bool | None = OMIT,
        record: bool | None = OMIT,
        remember: bool | None = OMIT,
    ) -> ChatResponse:
        """Send new messages to a session and get the agent's reply.

        ``recall`` uses the agent's and user's docs, ``record`` appends the
        exchange to the history, ``remember`` forms memories in a background job
        (its id is in ``jobs``); all three default to true on the server.
        With ``stream=True`` the reply is streamed and read here, and the whole
        ``ChatResponse`` is returned; use ``chat_stream`` to see it arrive.
        """
        path = f"sessions/{p.path_id('session_id', session_id)}/chat"
        body = chat_body(
            messages=messages,
            tools=tools,
            tool_choice=tool_choice,
            response_format=response_format,
            preset=preset,
            settings={
                "frequency_penalty": frequency_penalty,
                "length_penalty": length_penalty,
                "logit_bias": logit_bias,
                "max_tokens": max_tokens,
                "presence_penalty": presence_penalty,
                "repetition_penalty": repetition_penalty,
                "seed": seed,
                "stop": stop,
                "stream": stream,
                "temperature": temperature,
                "top_p": top_p,
                "min_p": min_p,
                "recall": recall,
                "record": record,
                "remember": remember,
            },
        )
        if stream is True:
            return await self._chat_read_whole(path, body)
        return await self._request("POST", path, ChatResponse, json=body)

    async def _chat_read_whole(self, path: str, body: JSONObject) -> ChatResponse:
        """``chat(stream=True)``: the stream, read here to its end.

        Nothing of it reached the caller, so a stream whose connection broke off is
        retried as a whole like any call (within ``max_retries`` and ``Timeout.total``,
        counted across the attempts), with the call's one ``Idempotency-Key``: a server
        that ran the chat replays its answer instead of running it again.
        """
        key = self._idempotency_key or fresh_key()
        timeout, policy = self._timeout, self._retry
        deadline = None if timeout.total is None else time.monotonic() + timeout.total
        retries = 0
        while True:
            attempt = self.with_options(
                idempotency_key=key,
                max_retries=attrs.evolve(policy, max_retries=policy.max_retries - retries),
            )
            if deadline is not None:
                left = max(deadline - time.monotonic(), 1e-3)
                attempt = attempt.with_options(timeout=attrs.evolve(timeout, total=left))
                # Its errors name the caller's total, not what is left of it,
                # and count the retries of the whole call.
                attempt._call_total = timeout.total
            attempt._retries_before = retries
            try:
                async with AsyncChatStream(attempt, path, body) as streamed:
                    response = await streamed.until_done()
            except StreamError as error:
                retries += error.retries_taken
                error.retries_taken = retries
                delay = _http.backoff_delay(retries + 1, policy)
                if (
                    not _broke_off(error)
                    or retries >= policy.max_retries
                    or (deadline is not None and time.monotonic() + delay >= deadline)
                ):
                    raise
                # The retry log line every other call writes ("... (attempt N)").
                cause = typing.cast(APIConnectionError, error.__cause__)
                url = error.url or self._base_url + path
                _log_failure("POST", url, cause, retries, self._secrets)
                await asyncio.sleep(delay)
                retries += 1
                continue
            except APIError as error:
                # A retry that failed otherwise (a 500, a refused connection): its
                # retries_taken counts the retries of this attempt only.
                error.retries_taken += retries
                raise
            info = response.response_info
            if retries and info is not None:
                total_retries = info.retries_taken + retries
                _http.set_response_info(
                    response, info.status_code, info.request_id, total_retries, info.elapsed
                )
            return response

    def chat_stream(
        self,
        session_id: str,
        *,
        messages: typing.Sequence[InputChatMlMessage | ChatMlMessage | JSONObject],
        tools: typing.Sequence[Tool | JSONObject] | None = OMIT,
        tool_choice: ChatInputDataToolChoice | JSONObject | None = OMIT,
        frequency_penalty: float | None = OMIT,
        length_penalty: float | None = OMIT,
        logit_bias: dict[str, int | None] | None = OMIT,
        max_tokens: int | None = OMIT,
        presence_penalty: float | None = OMIT,
        repetition_penalty: float | None = OMIT,
        response_format: ChatSettingsResponseFormat | JSONObject | None = OMIT,
        seed: int | None = OMIT,
        stop: ChatSettingsStop = OMIT,
        temperature: float | None = OMIT,
        top_p: float | None = OMIT,
        min_p: float | None = OMIT,
        preset: p.PresetArg | None = OMIT,
        recall: bool | None = OMIT,
        record: bool | None = OMIT,
        remember: bool | None = OMIT,
    ) -> AsyncChatStream:
        """Chat with the reply streamed as it is generated (server-sent events).

        Takes the arguments of ``chat`` (without ``stream``); they are checked
        here, and the request starts on the first iteration::

            async with client.chat_stream(session_id, messages=[...]) as stream:
                async for chunk in stream:
                    print(chunk.delta.content if chunk.delta else "", end="")
            reply = stream.final_response
        """
        path = f"sessions/{p.path_id('session_id', session_id)}/chat"
        body = chat_body(
            messages=messages,
            tools=tools,
            tool_choice=tool_choice,
            response_format=response_format,
            preset=preset,
            settings={
                "frequency_penalty": frequency_penalty,
                "length_penalty": length_penalty,
                "logit_bias": logit_bias,
                "max_tokens": max_tokens,
                "presence_penalty": presence_penalty,
                "repetition_penalty": repetition_penalty,
                "seed": seed,
                "stop": stop,
                "stream": True,
                "temperature": temperature,
                "top_p": top_p,
                "min_p": min_p,
                "recall": recall,
                "record": record,
                "remember": remember,
            },
        )
        return AsyncChatStream(self, path, body)


def _broke_off(error: StreamError) -> bool:
    """Whether a stream failed because its connection dropped (worth a retry), not because
    the server said so in an error event or went silent past a limit."""
    cause = error.__cause__
    return (
        not isinstance(error, StreamTimeoutError)
        and isinstance(cause, APIConnectionError)
        and not isinstance(cause, ClientClosedError)
    )
