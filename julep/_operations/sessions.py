"""Sessions, chat, history and suggestions."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._types import OMIT, JSONObject
from ..models import (
    ChatInputDataToolChoice,
    ChatResponse,
    ChatSettingsResponseFormat,
    ChatSettingsStop,
    GetHistoryResponse,
    GetSuggestionsResponse,
    InputChatMlMessage,
    ListSessionsResponse,
    ResourceCreatedResponse,
    ResourceUpdatedResponse,
    Session,
    Tool,
)
from .chat_body import chat_body


class SessionOperations(BaseAsyncClient):
    async def list_sessions(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        metadata_filter: str | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> ListSessionsResponse:
        """List sessions, newest first unless ``sort_by``/``order`` say otherwise."""
        query = p.list_query(limit, offset, metadata_filter, sort_by, order)
        return await self._request("GET", "sessions", ListSessionsResponse, query=query)

    async def create_session(
        self,
        *,
        user_id: str | None = OMIT,
        agent_id: str,
        situation: str | None = OMIT,
        metadata: JSONObject | None = OMIT,
        render_templates: bool | None = OMIT,
        token_budget: int | None = OMIT,
        context_overflow: str | None = OMIT,
    ) -> ResourceCreatedResponse:
        """Start a session between an agent and (optionally) a user."""
        p.path_id("agent_id", agent_id)
        if user_id is not OMIT and user_id is not None:
            p.path_id("user_id", user_id)
        p.check_bool("render_templates", render_templates)
        return await self._request(
            "POST",
            "sessions",
            ResourceCreatedResponse,
            json=_session_body(
                user_id=user_id,
                agent_id=agent_id,
                situation=situation,
                metadata=metadata,
                render_templates=render_templates,
                token_budget=token_budget,
                context_overflow=context_overflow,
            ),
        )

    async def get_session(self, session_id: str) -> Session:
        """Fetch one session."""
        return await self._request(
            "GET", f"sessions/{p.path_id('session_id', session_id)}", Session
        )

    async def update_session(
        self,
        session_id: str,
        *,
        situation: str,
        metadata: JSONObject | None = OMIT,
        token_budget: int | None = OMIT,
        context_overflow: str | None = OMIT,
    ) -> ResourceUpdatedResponse:
        """Replace a session's situation and metadata (PUT)."""
        path = f"sessions/{p.path_id('session_id', session_id)}"
        p.check_str("situation", situation)
        return await self._request(
            "PUT",
            path,
            ResourceUpdatedResponse,
            json=_session_body(
                situation=situation,
                metadata=metadata,
                token_budget=token_budget,
                context_overflow=context_overflow,
            ),
        )

    async def patch_session(
        self,
        session_id: str,
        *,
        situation: str | None = OMIT,
        metadata: JSONObject | None = OMIT,
        token_budget: int | None = OMIT,
        context_overflow: str | None = OMIT,
    ) -> ResourceUpdatedResponse:
        """Change only the given fields (PATCH); ``metadata`` is merged key by key."""
        path = f"sessions/{p.path_id('session_id', session_id)}"
        return await self._request(
            "PATCH",
            path,
            ResourceUpdatedResponse,
            json=_session_body(
                situation=situation,
                metadata=metadata,
                token_budget=token_budget,
                context_overflow=context_overflow,
            ),
        )

    async def delete_session(self, session_id: str) -> None:
        """Delete a session with its history."""
        await self._request("DELETE", f"sessions/{p.path_id('session_id', session_id)}", None)

    async def chat(
        self,
        session_id: str,
        *,
        messages: typing.Sequence[InputChatMlMessage | JSONObject],
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
        return await self._request("POST", path, ChatResponse, json=body)

    async def get_history(
        self, session_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> GetHistoryResponse:
        """A session's messages, oldest first."""
        path = f"sessions/{p.path_id('session_id', session_id)}/history"
        return await self._request(
            "GET", path, GetHistoryResponse, query=p.page_query(limit, offset)
        )

    async def delete_session_history(self, session_id: str) -> None:
        """Clear a session's history."""
        path = f"sessions/{p.path_id('session_id', session_id)}/history"
        await self._request("DELETE", path, None)

    async def get_suggestions(
        self, session_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> GetSuggestionsResponse:
        """Suggestions made from a session's messages, newest first."""
        path = f"sessions/{p.path_id('session_id', session_id)}/suggestions"
        return await self._request(
            "GET", path, GetSuggestionsResponse, query=p.page_query(limit, offset)
        )


def _session_body(
    *,
    situation: object,
    metadata: object,
    token_budget: object,
    context_overflow: object,
    **fields: object,
) -> JSONObject:
    p.check_str("situation", situation, optional=True)
    p.check_object("metadata", metadata)
    p.check_int("token_budget", token_budget)
    p.check_str("context_overflow", context_overflow, optional=True)
    return p.body(
        **fields,
        situation=situation,
        metadata=metadata,
        token_budget=token_budget,
        context_overflow=context_overflow,
    )
