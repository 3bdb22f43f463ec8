"""Routes of an agent's tools: list, create, update (PUT), patch, delete."""

from __future__ import annotations

from aiohttp import web

from ...models import (
    GetAgentToolsResponse,
    ResourceCreatedResponse,
    ResourceDeletedResponse,
    ResourceUpdatedResponse,
)
from ..params import body, page, path_id
from ..schemas import CreateToolBody, PatchToolRequest, UpdateToolRequest
from ..state import STATE
from ..store import tools
from ._operation import PAGE, Operation, created, deleted, json, updated


async def list_tools(request: web.Request) -> web.Response:
    agent_id = path_id(request, "agent_id")
    items = await request.app[STATE].db.run(tools.list_, agent_id, page(request))
    return json(GetAgentToolsResponse(items=items))


async def create_tool(request: web.Request) -> web.Response:
    agent_id = path_id(request, "agent_id")
    payload = await body(request, CreateToolBody)
    db = request.app[STATE].db
    return created(*await db.run(tools.create, agent_id, payload.type.value, payload.function))


async def update_tool(request: web.Request) -> web.Response:
    agent_id, tool_id = path_id(request, "agent_id"), path_id(request, "tool_id")
    payload = await body(request, UpdateToolRequest)
    db = request.app[STATE].db
    return updated(tool_id, await db.run(tools.replace, agent_id, tool_id, payload.function))


async def patch_tool(request: web.Request) -> web.Response:
    agent_id, tool_id = path_id(request, "agent_id"), path_id(request, "tool_id")
    payload = await body(request, PatchToolRequest)
    db = request.app[STATE].db
    return updated(tool_id, await db.run(tools.patch, agent_id, tool_id, payload.function))


async def delete_tool(request: web.Request) -> web.Response:
    agent_id, tool_id = path_id(request, "agent_id"), path_id(request, "tool_id")
    return deleted(tool_id, await request.app[STATE].db.run(tools.delete, agent_id, tool_id))


_TOOLS = "/agents/{agent_id}/tools"
_TOOL = _TOOLS + "/{tool_id}"
OPERATIONS = (
    Operation(
        method="GET",
        path=_TOOLS,
        operation_id="get_agent_tools",
        summary="List an agent's tools",
        handler=list_tools,
        response=GetAgentToolsResponse,
        query=PAGE,
    ),
    Operation(
        method="POST",
        path=_TOOLS,
        operation_id="create_agent_tool",
        summary="Give an agent a tool (the whole body is a CreateToolRequest)",
        handler=create_tool,
        status=201,
        body=CreateToolBody,
        response=ResourceCreatedResponse,
    ),
    Operation(
        method="PUT",
        path=_TOOL,
        operation_id="update_agent_tool",
        summary="Replace a tool's function",
        handler=update_tool,
        body=UpdateToolRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="PATCH",
        path=_TOOL,
        operation_id="patch_agent_tool",
        summary="Change the given parts of a tool's function",
        handler=patch_tool,
        body=PatchToolRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="DELETE",
        path=_TOOL,
        operation_id="delete_agent_tool",
        summary="Remove a tool from an agent",
        handler=delete_tool,
        status=202,
        response=ResourceDeletedResponse,
    ),
)
