"""Sessions, chat, history and suggestions."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._pagination import paginate_items
from .._types import OMIT, JSONObject
from ..models import (
    ChatMlMessage,
    GetHistoryResponse,
    GetSuggestionsResponse,
    ListSessionsResponse,
    ResourceCreatedResponse,
    ResourceUpdatedResponse,
    Session,
    Suggestion,
)


class SessionOperations(BaseAsyncClient):
    async def list_sessions(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        metadata_filter: str | JSONObject | None = None,
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
        if p.given(user_id):
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

    def iter_sessions(
        self,
        *,
        page_size: int = 100,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> typing.AsyncIterator[Session]:
        """Every session, fetched ``page_size`` at a time."""
        p.list_query(None, None, metadata_filter, sort_by, order)
        filters = {"metadata_filter": metadata_filter, "sort_by": sort_by, "order": order}
        return paginate_items(self.list_sessions, page_size, **filters)

    def iter_history(
        self, session_id: str, *, page_size: int = 100
    ) -> typing.AsyncIterator[ChatMlMessage]:
        """A session's whole history, oldest first, fetched ``page_size`` at a time."""
        p.path_id("session_id", session_id)
        return paginate_items(self.get_history, page_size, session_id)

    def iter_suggestions(
        self, session_id: str, *, page_size: int = 100
    ) -> typing.AsyncIterator[Suggestion]:
        """Every suggestion of a session, newest first, fetched ``page_size`` at a time."""
        p.path_id("session_id", session_id)
        return paginate_items(self.get_suggestions, page_size, session_id)


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
