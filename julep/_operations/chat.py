"""Chat, whole or streamed."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._streaming import AsyncChatStream
from .._types import OMIT, JSONObject
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
            async with AsyncChatStream(self, path, body) as streamed:
                return await streamed.until_done()
        return await self._request("POST", path, ChatResponse, json=body)

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
