"""Routes of agents: list, create, get, update (PUT), patch, delete."""

from __future__ import annotations

from aiohttp import web

from ...models import (
    Agent,
    ListAgentsResponse,
    ResourceCreatedResponse,
    ResourceDeletedResponse,
    ResourceUpdatedResponse,
)
from ..params import body, list_query, path_id
from ..schemas import CreateAgentRequest, PatchAgentRequest, UpdateAgentRequest
from ..state import STATE
from ..store import agents
from ._operation import LIST, Operation, created, deleted, json, updated


async def list_agents(request: web.Request) -> web.Response:
    items = await request.app[STATE].db.run(agents.list_, list_query(request))
    return json(ListAgentsResponse(items=items))


async def create_agent(request: web.Request) -> web.Response:
    payload = await body(request, CreateAgentRequest)
    return created(*await request.app[STATE].db.run(agents.create, payload))


async def get_agent(request: web.Request) -> web.Response:
    return json(await request.app[STATE].db.run(agents.get, path_id(request, "agent_id")))


async def update_agent(request: web.Request) -> web.Response:
    agent_id = path_id(request, "agent_id")
    payload = await body(request, UpdateAgentRequest)
    return updated(agent_id, await request.app[STATE].db.run(agents.replace, agent_id, payload))


async def patch_agent(request: web.Request) -> web.Response:
    agent_id = path_id(request, "agent_id")
    payload = await body(request, PatchAgentRequest)
    return updated(agent_id, await request.app[STATE].db.run(agents.patch, agent_id, payload))


async def delete_agent(request: web.Request) -> web.Response:
    agent_id = path_id(request, "agent_id")
    return deleted(agent_id, await request.app[STATE].db.run(agents.delete, agent_id))


_AGENT = "/agents/{agent_id}"
OPERATIONS = (
    Operation(
        method="GET",
        path="/agents",
        operation_id="list_agents",
        summary="List agents",
        handler=list_agents,
        response=ListAgentsResponse,
        query=LIST,
        errors=(400, 422),
    ),
    Operation(
        method="POST",
        path="/agents",
        operation_id="create_agent",
        summary="Create an agent",
        handler=create_agent,
        status=201,
        body=CreateAgentRequest,
        response=ResourceCreatedResponse,
        errors=(422,),
    ),
    Operation(
        method="GET",
        path=_AGENT,
        operation_id="get_agent",
        summary="Get an agent",
        handler=get_agent,
        response=Agent,
    ),
    Operation(
        method="PUT",
        path=_AGENT,
        operation_id="update_agent",
        summary="Replace an agent (fields left out go back to their defaults)",
        handler=update_agent,
        body=UpdateAgentRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="PATCH",
        path=_AGENT,
        operation_id="patch_agent",
        summary="Change the given fields of an agent (null means unchanged)",
        handler=patch_agent,
        body=PatchAgentRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="DELETE",
        path=_AGENT,
        operation_id="delete_agent",
        summary="Delete an agent (only the agent: its sessions, docs, tools and memories stay)",
        handler=delete_agent,
        status=202,
        response=ResourceDeletedResponse,
    ),
)
