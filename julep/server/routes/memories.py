"""Routes of an agent's memories (search, delete) and of background jobs."""

from __future__ import annotations

from aiohttp import web

from ...models import GetAgentMemoriesResponse, JobStatus, ResourceDeletedResponse
from ..errors import invalid
from ..params import page, path_id, uuid_value
from ..state import STATE
from ..store import jobs, memories
from ._operation import PAGE, Operation, QueryParam, deleted, json


async def get_memories(request: web.Request) -> web.Response:
    agent_id = path_id(request, "agent_id")
    query = request.query.get("query")
    if query is None:
        raise invalid("query: field required")
    user_id = request.query.get("user_id")
    if user_id is not None:
        user_id = uuid_value("user_id", user_id)
    items = await request.app[STATE].db.run(
        memories.search, agent_id, query, user_id, page(request)
    )
    return json(GetAgentMemoriesResponse(items=items))


async def delete_memory(request: web.Request) -> web.Response:
    agent_id, memory_id = path_id(request, "agent_id"), path_id(request, "memory_id")
    return deleted(memory_id, await request.app[STATE].db.run(memories.delete, agent_id, memory_id))


async def get_job(request: web.Request) -> web.Response:
    return json(await request.app[STATE].db.run(jobs.get, path_id(request, "job_id")))


_MEMORIES = "/agents/{agent_id}/memories"
OPERATIONS = (
    Operation(
        method="GET",
        path=_MEMORIES,
        operation_id="get_agent_memories",
        summary="Search an agent's memories, best match first",
        handler=get_memories,
        response=GetAgentMemoriesResponse,
        query=(
            QueryParam(
                name="query",
                schema={"type": "string"},
                required=True,
                description="Text to match; without searchable words, newest first.",
            ),
            QueryParam(
                name="user_id",
                schema={"type": "string", "format": "uuid"},
                description="Only memories about this user.",
            ),
            *PAGE,
        ),
    ),
    Operation(
        method="DELETE",
        path=_MEMORIES + "/{memory_id}",
        operation_id="delete_agent_memory",
        summary="Forget one memory",
        handler=delete_memory,
        status=202,
        response=ResourceDeletedResponse,
    ),
    Operation(
        method="GET",
        path="/jobs/{job_id}",
        operation_id="get_job_status",
        summary="The state of a background job",
        handler=get_job,
        response=JobStatus,
    ),
)
