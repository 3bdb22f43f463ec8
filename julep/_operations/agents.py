"""Agents: list, create, get, update (PUT), patch (PATCH), delete."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._pagination import paginate_items
from .._types import OMIT, JSONObject
from ..models import (
    Agent,
    AgentDefaultSettings,
    AgentInstructions,
    CreateDoc,
    CreateToolRequest,
    Doc,
    ListAgentsResponse,
    ResourceCreatedResponse,
    ResourceUpdatedResponse,
    Tool,
)


class AgentOperations(BaseAsyncClient):
    async def list_agents(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> ListAgentsResponse:
        """List agents, newest first unless ``sort_by``/``order`` say otherwise.

        ``metadata_filter`` is a JSON object (a string, or a dict) whose keys
        must all equal the agent's metadata.
        """
        return await self._request(
            "GET",
            "agents",
            ListAgentsResponse,
            query=p.list_query(limit, offset, metadata_filter, sort_by, order),
        )

    async def create_agent(
        self,
        *,
        name: str,
        about: str | None = OMIT,
        tools: typing.Sequence[CreateToolRequest | Tool | JSONObject] | None = OMIT,
        default_settings: AgentDefaultSettings | JSONObject | None = OMIT,
        model: str | None = OMIT,
        docs: typing.Sequence[CreateDoc | Doc | JSONObject] | None = OMIT,
        metadata: JSONObject | None = OMIT,
        instructions: AgentInstructions | None = OMIT,
    ) -> ResourceCreatedResponse:
        """Create an agent; only ``name`` is required."""
        p.check_str("name", name)
        p.check_str("about", about, optional=True)
        return await self._request(
            "POST",
            "agents",
            ResourceCreatedResponse,
            json=_agent_body(
                name=name,
                about=about,
                model=model,
                default_settings=default_settings,
                metadata=metadata,
                instructions=instructions,
                tools=p.models("tools", CreateToolRequest, tools),
                docs=p.models("docs", CreateDoc, docs),
            ),
        )

    async def get_agent(self, agent_id: str) -> Agent:
        """Fetch one agent."""
        return await self._request("GET", f"agents/{p.path_id('agent_id', agent_id)}", Agent)

    async def update_agent(
        self,
        agent_id: str,
        *,
        about: str,
        name: str,
        model: str | None = OMIT,
        default_settings: AgentDefaultSettings | JSONObject | None = OMIT,
        metadata: JSONObject | None = OMIT,
        instructions: AgentInstructions | None = OMIT,
    ) -> ResourceUpdatedResponse:
        """Replace an agent (PUT): fields left out go back to their defaults."""
        path = f"agents/{p.path_id('agent_id', agent_id)}"
        p.check_str("about", about)
        p.check_str("name", name)
        return await self._request(
            "PUT",
            path,
            ResourceUpdatedResponse,
            json=_agent_body(
                about=about,
                name=name,
                model=model,
                default_settings=default_settings,
                metadata=metadata,
                instructions=instructions,
            ),
        )

    async def patch_agent(
        self,
        agent_id: str,
        *,
        about: str | None = OMIT,
        name: str | None = OMIT,
        model: str | None = OMIT,
        default_settings: AgentDefaultSettings | JSONObject | None = OMIT,
        metadata: JSONObject | None = OMIT,
        instructions: AgentInstructions | None = OMIT,
    ) -> ResourceUpdatedResponse:
        """Change only the given fields (PATCH); ``metadata`` is merged key by key."""
        path = f"agents/{p.path_id('agent_id', agent_id)}"
        p.check_str("about", about, optional=True)
        p.check_str("name", name, optional=True)
        return await self._request(
            "PATCH",
            path,
            ResourceUpdatedResponse,
            json=_agent_body(
                about=about,
                name=name,
                model=model,
                default_settings=default_settings,
                metadata=metadata,
                instructions=instructions,
            ),
        )

    async def delete_agent(self, agent_id: str) -> None:
        """Delete an agent: only the agent (its sessions, docs, tools and memories stay)."""
        await self._request("DELETE", f"agents/{p.path_id('agent_id', agent_id)}", None)

    def iter_agents(
        self,
        *,
        page_size: int = 100,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> typing.AsyncIterator[Agent]:
        """Every agent, fetched ``page_size`` at a time: ``async for agent in ...``."""
        p.list_query(None, None, metadata_filter, sort_by, order)
        filters = {"metadata_filter": metadata_filter, "sort_by": sort_by, "order": order}
        return paginate_items(self.list_agents, page_size, **filters)


def _agent_body(
    *,
    model: object,
    default_settings: object,
    metadata: object,
    instructions: object,
    **fields: object,
) -> JSONObject:
    p.check_str("model", model, optional=True)
    p.check_object("metadata", metadata)
    p.check_str_or_strs("instructions", instructions)
    if isinstance(instructions, tuple):
        instructions = list(instructions)
    return p.body(
        **fields,
        model=model,
        default_settings=p.model("default_settings", AgentDefaultSettings, default_settings),
        metadata=metadata,
        instructions=instructions,
    )
