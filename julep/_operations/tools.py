"""An agent's tools: list, create, update (PUT), patch (PATCH), delete."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._pagination import paginate_items
from .._types import JSONObject
from ..models import (
    CreateToolRequest,
    FunctionDef,
    GetAgentToolsResponse,
    PartialFunctionDef,
    ResourceCreatedResponse,
    ResourceUpdatedResponse,
    Tool,
)


class ToolOperations(BaseAsyncClient):
    async def get_agent_tools(
        self, agent_id: str, *, limit: int | None = None, offset: int | None = None
    ) -> GetAgentToolsResponse:
        """List an agent's tools."""
        path = f"agents/{p.path_id('agent_id', agent_id)}/tools"
        query = p.page_query(limit, offset)
        return await self._request("GET", path, GetAgentToolsResponse, query=query)

    async def create_agent_tool(
        self, agent_id: str, *, request: CreateToolRequest | Tool | JSONObject
    ) -> ResourceCreatedResponse:
        """Give an agent a tool; the ``CreateToolRequest`` (or dict) is the whole body."""
        path = f"agents/{p.path_id('agent_id', agent_id)}/tools"
        body = typing.cast(JSONObject, p.whole_request(CreateToolRequest, request))
        return await self._request("POST", path, ResourceCreatedResponse, json=body)

    async def update_agent_tool(
        self, agent_id: str, tool_id: str, *, function: FunctionDef | JSONObject
    ) -> ResourceUpdatedResponse:
        """Replace a tool's function definition (PUT)."""
        path = _tool_path(agent_id, tool_id)
        body = {"function": p.required_model("function", FunctionDef, function)}
        return await self._request("PUT", path, ResourceUpdatedResponse, json=body)

    async def patch_agent_tool(
        self,
        agent_id: str,
        tool_id: str,
        *,
        function: PartialFunctionDef | FunctionDef | JSONObject,
    ) -> ResourceUpdatedResponse:
        """Change only the given parts of a tool's function definition (PATCH)."""
        path = _tool_path(agent_id, tool_id)
        body = {"function": p.required_model("function", PartialFunctionDef, function)}
        return await self._request("PATCH", path, ResourceUpdatedResponse, json=body)

    async def delete_agent_tool(self, agent_id: str, tool_id: str) -> None:
        """Remove a tool from an agent."""
        await self._request("DELETE", _tool_path(agent_id, tool_id), None)

    def iter_agent_tools(
        self, agent_id: str, *, page_size: int = 100
    ) -> typing.AsyncIterator[Tool]:
        """Every tool of an agent, fetched ``page_size`` at a time."""
        p.path_id("agent_id", agent_id)
        return paginate_items(self.get_agent_tools, page_size, agent_id)


def _tool_path(agent_id: str, tool_id: str) -> str:
    return f"agents/{p.path_id('agent_id', agent_id)}/tools/{p.path_id('tool_id', tool_id)}"
