"""What a route is: its handler plus what the OpenAPI document says about it."""

from __future__ import annotations

import typing

import attrs
from aiohttp import web
from aiohttp.typedefs import Handler

from ...models import ResourceCreatedResponse, ResourceDeletedResponse, ResourceUpdatedResponse
from .. import clock
from ..encode import response_json
from ..params import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET


@attrs.frozen(kw_only=True)
class QueryParam:
    name: str
    schema: dict[str, typing.Any]
    description: str
    required: bool = False
    json_encoded: bool = False  # the value is a JSON document, not a plain string


@attrs.frozen(kw_only=True)
class Operation:
    """One of the API's operations: served by ``handler``, described by the rest."""

    method: str
    path: str  # below /api, with {name} path parameters (all UUIDs)
    operation_id: str
    summary: str
    handler: Handler
    status: int = 200
    body: type | None = None
    response: type | None = None
    query: tuple[QueryParam, ...] = ()
    errors: tuple[int, ...] = (404, 422)
    streams: bool = False  # may answer with text/event-stream


_LIMIT = QueryParam(
    name="limit",
    schema={"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
    description="How many items to return.",
)
_OFFSET = QueryParam(
    name="offset",
    schema={"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    description="How many items to skip.",
)
PAGE = (_LIMIT, _OFFSET)
LIST = (
    *PAGE,
    QueryParam(
        name="metadata_filter",
        schema={"type": "object"},
        json_encoded=True,
        description="A JSON object; only items whose metadata has all these key/value pairs.",
    ),
    QueryParam(
        name="sort_by",
        schema={"type": "string", "enum": ["created_at", "updated_at"], "default": "created_at"},
        description="The timestamp to sort by.",
    ),
    QueryParam(
        name="order",
        schema={"type": "string", "enum": ["asc", "desc"], "default": "desc"},
        description="The sort direction.",
    ),
)


def json(model: object, status: int = 200) -> web.Response:
    return web.Response(body=response_json(model), status=status, content_type="application/json")


def created(resource_id: str, timestamp: str, jobs: typing.Sequence[str] = ()) -> web.Response:
    response = ResourceCreatedResponse(
        id=resource_id, created_at=clock.parse(timestamp), jobs=list(jobs)
    )
    return json(response, 201)


def updated(resource_id: str, timestamp: str) -> web.Response:
    return json(ResourceUpdatedResponse(id=resource_id, updated_at=clock.parse(timestamp), jobs=[]))


def deleted(resource_id: str, timestamp: str) -> web.Response:
    response = ResourceDeletedResponse(id=resource_id, deleted_at=clock.parse(timestamp), jobs=[])
    return json(response, 202)
