"""Routes of the docs of agents and users: list, create, delete."""

from __future__ import annotations

from aiohttp import web

from ...models import (
    CreateDoc,
    GetAgentDocsResponse,
    GetUserDocsResponse,
    ResourceCreatedResponse,
    ResourceDeletedResponse,
)
from ..params import body, list_query, path_id
from ..state import STATE
from ..store import docs
from ._operation import LIST, Operation, created, deleted, json


def _owner(request: web.Request) -> tuple[str, str]:
    owner = "agent_id" if "agent_id" in request.match_info else "user_id"
    return owner, path_id(request, owner)


async def list_docs(request: web.Request) -> web.Response:
    owner, owner_id = _owner(request)
    items = await request.app[STATE].db.run(docs.list_, owner, owner_id, list_query(request))
    response = GetAgentDocsResponse if owner == "agent_id" else GetUserDocsResponse
    return json(response(items=items))


async def create_doc(request: web.Request) -> web.Response:
    owner, owner_id = _owner(request)
    payload = await body(request, CreateDoc)
    return created(*await request.app[STATE].db.run(docs.create, owner, owner_id, payload))


async def delete_doc(request: web.Request) -> web.Response:
    owner, owner_id = _owner(request)
    doc_id = path_id(request, "doc_id")
    return deleted(doc_id, await request.app[STATE].db.run(docs.delete, owner, owner_id, doc_id))


def _operations(kind: str, listed: type) -> tuple[Operation, ...]:
    base = f"/{kind}s/{{{kind}_id}}/docs"
    return (
        Operation(
            method="GET",
            path=base,
            operation_id=f"get_{kind}_docs",
            summary=f"List a {kind}'s docs",
            handler=list_docs,
            response=listed,
            query=LIST,
            errors=(400, 404, 422),
        ),
        Operation(
            method="POST",
            path=base,
            operation_id=f"create_{kind}_doc",
            summary=f"Add a doc to a {kind} (the whole body is a CreateDoc)",
            handler=create_doc,
            status=201,
            body=CreateDoc,
            response=ResourceCreatedResponse,
        ),
        Operation(
            method="DELETE",
            path=base + "/{doc_id}",
            operation_id=f"delete_{kind}_doc",
            summary=f"Delete a {kind}'s doc",
            handler=delete_doc,
            status=202,
            response=ResourceDeletedResponse,
        ),
    )


OPERATIONS = _operations("agent", GetAgentDocsResponse) + _operations("user", GetUserDocsResponse)
