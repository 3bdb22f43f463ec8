"""Routes of users: list, create, get, update (PUT), patch, delete."""

from __future__ import annotations

from aiohttp import web

from ...models import (
    ListUsersResponse,
    ResourceCreatedResponse,
    ResourceDeletedResponse,
    ResourceUpdatedResponse,
    User,
)
from ..params import body, list_query, path_id
from ..schemas import CreateUserRequest, PatchUserRequest, UpdateUserRequest
from ..state import STATE
from ..store import users
from ._operation import LIST, Operation, created, deleted, json, updated


async def list_users(request: web.Request) -> web.Response:
    items = await request.app[STATE].db.run(users.list_, list_query(request))
    return json(ListUsersResponse(items=items))


async def create_user(request: web.Request) -> web.Response:
    payload = await body(request, CreateUserRequest)
    return created(*await request.app[STATE].db.run(users.create, payload))


async def get_user(request: web.Request) -> web.Response:
    return json(await request.app[STATE].db.run(users.get, path_id(request, "user_id")))


async def update_user(request: web.Request) -> web.Response:
    user_id = path_id(request, "user_id")
    payload = await body(request, UpdateUserRequest)
    return updated(user_id, await request.app[STATE].db.run(users.replace, user_id, payload))


async def patch_user(request: web.Request) -> web.Response:
    user_id = path_id(request, "user_id")
    payload = await body(request, PatchUserRequest)
    return updated(user_id, await request.app[STATE].db.run(users.patch, user_id, payload))


async def delete_user(request: web.Request) -> web.Response:
    user_id = path_id(request, "user_id")
    return deleted(user_id, await request.app[STATE].db.run(users.delete, user_id))


_USER = "/users/{user_id}"
OPERATIONS = (
    Operation(
        method="GET",
        path="/users",
        operation_id="list_users",
        summary="List users",
        handler=list_users,
        response=ListUsersResponse,
        query=LIST,
        errors=(400, 422),
    ),
    Operation(
        method="POST",
        path="/users",
        operation_id="create_user",
        summary="Create a user",
        handler=create_user,
        status=201,
        body=CreateUserRequest,
        response=ResourceCreatedResponse,
        errors=(422,),
    ),
    Operation(
        method="GET",
        path=_USER,
        operation_id="get_user",
        summary="Get a user",
        handler=get_user,
        response=User,
    ),
    Operation(
        method="PUT",
        path=_USER,
        operation_id="update_user",
        summary="Replace a user (metadata left out goes back to {})",
        handler=update_user,
        body=UpdateUserRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="PATCH",
        path=_USER,
        operation_id="patch_user",
        summary="Change the given fields of a user (null means unchanged)",
        handler=patch_user,
        body=PatchUserRequest,
        response=ResourceUpdatedResponse,
    ),
    Operation(
        method="DELETE",
        path=_USER,
        operation_id="delete_user",
        summary="Delete a user if it exists (idempotent; its sessions, docs and memories stay)",
        handler=delete_user,
        status=202,
        response=ResourceDeletedResponse,
        errors=(422,),  # never 404: this delete is idempotent
    ),
)
