"""Docs of agents and of users: the same three operations under two owners."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._pagination import paginate_items
from .._types import JSONObject
from ..models import (
    CreateDoc,
    Doc,
    GetAgentDocsResponse,
    GetUserDocsResponse,
    ResourceCreatedResponse,
)


class DocOperations(BaseAsyncClient):
    async def get_agent_docs(
        self,
        agent_id: str,
        *,
        limit: int | None = None,
        offset: int | None = None,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> GetAgentDocsResponse:
        """List an agent's docs, newest first by default."""
        path = f"agents/{p.path_id('agent_id', agent_id)}/docs"
        query = p.list_query(limit, offset, metadata_filter, sort_by, order)
        return await self._request("GET", path, GetAgentDocsResponse, query=query)

    async def create_agent_doc(
        self, agent_id: str, *, request: CreateDoc | Doc | JSONObject
    ) -> ResourceCreatedResponse:
        """Add a doc to an agent; the ``CreateDoc`` (or dict) is the whole body."""
        path = f"agents/{p.path_id('agent_id', agent_id)}/docs"
        return await self._request("POST", path, ResourceCreatedResponse, json=_doc_body(request))

    async def delete_agent_doc(self, agent_id: str, doc_id: str) -> None:
        """Delete one of an agent's docs."""
        path = f"agents/{p.path_id('agent_id', agent_id)}/docs/{p.path_id('doc_id', doc_id)}"
        await self._request("DELETE", path, None)

    async def get_user_docs(
        self,
        user_id: str,
        *,
        limit: int | None = None,
        offset: int | None = None,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> GetUserDocsResponse:
        """List a user's docs, newest first by default."""
        path = f"users/{p.path_id('user_id', user_id)}/docs"
        query = p.list_query(limit, offset, metadata_filter, sort_by, order)
        return await self._request("GET", path, GetUserDocsResponse, query=query)

    async def create_user_doc(
        self, user_id: str, *, request: CreateDoc | Doc | JSONObject
    ) -> ResourceCreatedResponse:
        """Add a doc to a user; the ``CreateDoc`` (or dict) is the whole body."""
        path = f"users/{p.path_id('user_id', user_id)}/docs"
        return await self._request("POST", path, ResourceCreatedResponse, json=_doc_body(request))

    async def delete_user_doc(self, user_id: str, doc_id: str) -> None:
        """Delete one of a user's docs."""
        path = f"users/{p.path_id('user_id', user_id)}/docs/{p.path_id('doc_id', doc_id)}"
        await self._request("DELETE", path, None)

    def iter_agent_docs(
        self,
        agent_id: str,
        *,
        page_size: int = 100,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> typing.AsyncIterator[Doc]:
        """Every doc of an agent, fetched ``page_size`` at a time."""
        p.path_id("agent_id", agent_id)
        p.list_query(None, None, metadata_filter, sort_by, order)
        filters = {"metadata_filter": metadata_filter, "sort_by": sort_by, "order": order}
        return paginate_items(self.get_agent_docs, page_size, agent_id, **filters)

    def iter_user_docs(
        self,
        user_id: str,
        *,
        page_size: int = 100,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> typing.AsyncIterator[Doc]:
        """Every doc of a user, fetched ``page_size`` at a time."""
        p.path_id("user_id", user_id)
        p.list_query(None, None, metadata_filter, sort_by, order)
        filters = {"metadata_filter": metadata_filter, "sort_by": sort_by, "order": order}
        return paginate_items(self.get_user_docs, page_size, user_id, **filters)


def _doc_body(request: object) -> dict[str, object]:
    return p.whole_request(CreateDoc, request)  # type: ignore[return-value]
