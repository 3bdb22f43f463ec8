"""Routes of sessions: list, create, get, update (PUT), patch, delete."""

from __future__ import annotations

import attrs
from aiohttp import web

from ...models import (
    ListSessionsResponse,
    ResourceCreatedResponse,
    ResourceDeletedResponse,
    ResourceUpdatedResponse,
    Session,
)
from ..params import body, list_query, path_id, uuid_value
from ..schemas import CreateSessionRequest, PatchSessionRequest, UpdateSessionRequest
from ..state import STATE
from ..store import sessions
from ._operation import LIST, Operation, created, deleted, json, updated


async def list_sessions(request: web.Request) -> web.Response:
    items = await request.app[STATE].db.run(sessions.list_, list_query(request))
    return json(ListSessionsResponse(items=items))


async def create_session(request: web.Request) -> web.Response:
    payload = await body(request, CreateSessionRequest)
    payload = attrs.evolve(
        payload,
        agent_id=uuid_value("agent_id", payload.agent_id),
        user_id=None if payload.user_id is None else uuid_value("user_id", payload.user_id),
    )
    return created(*await request.app[STATE].db.run(sessions.create, payload))


async def get_session(request: web.Request) -> web.Response:
    return json(await request.app[STATE].db.run(sessions.get, path_id(request, "session_id")))


async def update_session(request: web.Request) -> web.Response:
    session_id = path_id(request, "session_id")
    payload = await body(request, UpdateSessionRequest)
    db = request.app[STATE].db
    return updated(session_id, await db.run(sessions.replace, session_id, payload))


async def patch_session(request: web.Request) -> web.Response:
    session_id = path_id(request, "session_id")
    payload = await body(request, PatchSessionRequest)
    db = request.app[STATE].db
    return updated(session_id, await db.run(sessions.patch, session_id, payload))


async def delete_session(request: web.Request) -> web.Response:
    session_id = path_id(request, "session_id")
    return deleted(session_id, await request.app[STATE].db.run(sessions.delete, session_id))


_SESSION = "/sessions/{session_id}"
OPERATIONS = (
    Operation(
        method="GET",
        path="/sessions",
        operation_id="list_sessions",
        summary="List sessions",
        handler=list_sessions,
        response=ListSessionsResponse,
        query=LIST,
        errors=(400, 422),
    ),
    Operation(
        method="POST",
        path="/sessions",
        operation_id="create_session",
        summary="Start a session of an agent (and optionally a user)",
        handler=create_session,
        status=201,
        body=CreateSessionRequest,
        response=ResourceCreatedResponse,
    ),
    Operation(
        method="GET",
        path=_SESSION,
        operation_id="get_session",
        summary="Get a session",
        handler=get_session,
        response=Session,
    ),
    Operation(
        method="PUT",
        path=_SESSION,
        operation_id="update_session",
        summary="Replace a session's situation, metadata and context settings",
        handler=update_session,
        body=UpdateSessionRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="PATCH",
        path=_SESSION,
        operation_id="patch_session",
        summary="Change the given fields of a session (null means unchanged)",
        handler=patch_session,
        body=PatchSessionRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="DELETE",
        path=_SESSION,
        operation_id="delete_session",
        summary="Delete a session with its history, if it exists (idempotent)",
        handler=delete_session,
        status=202,
        response=ResourceDeletedResponse,
        errors=(422,),  # never 404: this delete is idempotent
    ),
)
