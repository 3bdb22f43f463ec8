"""The OpenAPI 3.1 document of the server, derived from its route table.

Request and response schemas come from the attrs classes themselves (the
SDK's models and ``schemas.py``), walked by type; only the constraints the
classes cannot express (patterns, ranges, formats) are listed here.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import types
import typing

import attrs
import orjson

from ..models import (
    ChatMlImageContentPart,
    ChatMlMessageContentItem,
    ChatMlTextContentPart,
    FreeformObject,
    FunctionDef,
    PartialFunctionDef,
)
from .routes import Operation
from .schemas import (
    FUNCTION_NAME,
    MAX_TOKEN_BUDGET,
    MAX_TOKENS_LIMIT,
    ChatRequest,
    CreateSessionRequest,
    PatchSessionRequest,
    UpdateSessionRequest,
)
from .validation import WIRE_NAMES

JSONSchema = dict[str, typing.Any]

_NAME = {"pattern": FUNCTION_NAME.pattern}
_UUID = {"format": "uuid"}
_BUDGET = {"minimum": 0, "maximum": MAX_TOKEN_BUDGET}
# Checks the server makes that the classes' types do not show.
CONSTRAINTS: dict[tuple[type, str], JSONSchema] = {
    (FunctionDef, "name"): _NAME,
    (PartialFunctionDef, "name"): _NAME,
    (ChatRequest, "messages"): {"minItems": 1},
    (ChatRequest, "max_tokens"): {"minimum": 1, "maximum": MAX_TOKENS_LIMIT},
    (CreateSessionRequest, "agent_id"): _UUID,
    (CreateSessionRequest, "user_id"): _UUID,
    (CreateSessionRequest, "token_budget"): _BUDGET,
    (UpdateSessionRequest, "token_budget"): _BUDGET,
    (PatchSessionRequest, "token_budget"): _BUDGET,
}
# Fields the wire requires though the class gives them a default: content
# parts are told apart by their type, so the server needs it.
REQUIRED = frozenset({(ChatMlTextContentPart, "type"), (ChatMlImageContentPart, "type")})
_SCALARS: dict[object, JSONSchema] = {
    str: {"type": "string"},
    int: {"type": "integer"},
    float: {"type": "number"},
    bool: {"type": "boolean"},
    dt.datetime: {"type": "string", "format": "date-time"},
    typing.Any: {},
    type(None): {"type": "null"},
}
ERROR = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"description": "What went wrong (usually a string)."}},
}
_STATUS_TEXT = {
    400: "Bad request (an invalid metadata_filter)",
    403: "Missing or wrong API key",
    404: "Not found",
    422: "The request does not fit the API (the detail names the field)",
    502: "The model backend failed",
}


class _Components:
    def __init__(self) -> None:
        self.schemas: dict[str, JSONSchema] = {}

    def ref(self, cls: type) -> JSONSchema:
        name = cls.__name__
        if name not in self.schemas:
            self.schemas[name] = {}  # reserve the name first: classes may nest themselves
            self.schemas[name] = self._build(cls)
        return {"$ref": f"#/components/schemas/{name}"}

    def _build(self, cls: type) -> JSONSchema:
        if issubclass(cls, enum.Enum):
            return {"type": "string", "enum": [member.value for member in cls]}
        hints = typing.get_type_hints(cls)
        properties: dict[str, JSONSchema] = {}
        required = []
        for field in attrs.fields(typing.cast("type[attrs.AttrsInstance]", cls)):
            if not field.init or not field.eq:
                continue  # bookkeeping (response_info, _present), never on the wire
            name = WIRE_NAMES.get(field.name, field.name)
            properties[name] = {
                **self.schema(hints[field.name]),
                **CONSTRAINTS.get((cls, field.name), {}),
            }
            if field.default is attrs.NOTHING or (cls, field.name) in REQUIRED:
                required.append(name)
        schema: JSONSchema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def schema(self, hint: object) -> JSONSchema:
        if hint in _SPECIAL:
            return _SPECIAL[hint](self)
        if hint in _SCALARS:
            return dict(_SCALARS[hint])
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin in (typing.Union, types.UnionType):
            return {"anyOf": [self.schema(arm) for arm in args]}
        if origin is typing.Literal:
            return {"type": "string", "enum": list(args)}
        if origin is list:
            return {"type": "array", "items": self.schema(args[0])}
        if origin is dict:
            values = self.schema(args[1])
            return (
                {"type": "object", "additionalProperties": values} if values else {"type": "object"}
            )
        if isinstance(hint, type) and issubclass(hint, FreeformObject):
            return {"type": "object"}
        if isinstance(hint, type) and (attrs.has(hint) or issubclass(hint, enum.Enum)):
            return self.ref(hint)
        raise TypeError(f"no JSON schema for {hint!r}")


def _content_part(components: _Components) -> JSONSchema:
    # A part of a kind the SDK does not model is kept as is; it still needs a type.
    other = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string", "not": {"enum": ["text", "image_url"]}}},
    }
    known = [components.ref(ChatMlTextContentPart), components.ref(ChatMlImageContentPart)]
    return {"anyOf": [*known, other]}


_SPECIAL: dict[object, typing.Callable[[_Components], JSONSchema]] = {
    ChatMlMessageContentItem: _content_part
}


def _parameters(operation: Operation) -> list[JSONSchema]:
    parameters: list[JSONSchema] = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "string", "format": "uuid"},
        }
        for name in re.findall(r"{(\w+)}", operation.path)
    ]
    for query in operation.query:
        parameter = {
            "name": query.name,
            "in": "query",
            "required": query.required,
            "description": query.description,
        }
        if query.json_encoded:
            parameter["content"] = {"application/json": {"schema": query.schema}}
        else:
            parameter["schema"] = query.schema
        parameters.append(parameter)
    return parameters


def _operation(operation: Operation, components: _Components, *, secured: bool) -> JSONSchema:
    content: JSONSchema = {}
    if operation.response is not None:
        content["application/json"] = {"schema": components.ref(operation.response)}
    if operation.streams:
        content["text/event-stream"] = {
            "schema": {"type": "string"},
            "description": "Server-sent events: reply pieces, the final ChatResponse, then [DONE].",
        }
    responses: JSONSchema = {str(operation.status): {"description": "Success", "content": content}}
    for status in sorted({*operation.errors, *((403,) if secured else ())}):
        responses[str(status)] = {
            "description": _STATUS_TEXT[status],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    spec: JSONSchema = {
        "operationId": operation.operation_id,
        "summary": operation.summary,
        "parameters": _parameters(operation),
        "responses": responses,
    }
    if operation.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": components.ref(operation.body)}},
        }
    return spec


def document(operations: typing.Sequence[Operation], *, server_url: str, secured: bool) -> bytes:
    """The OpenAPI document as JSON bytes (built once, at start).

    ``secured`` says whether the server checks an API key: a server in dev
    mode requires none, and its document says so.
    """
    components = _Components()
    components.schemas["Error"] = ERROR
    paths: dict[str, JSONSchema] = {}
    for operation in operations:
        paths.setdefault(operation.path, {})[operation.method.lower()] = _operation(
            operation, components, secured=secured
        )
    return orjson.dumps(
        {
            "openapi": "3.1.0",
            "info": {
                "title": "Julep agents API (local server)",
                "version": "0.3.9",
                "description": "A local, Julep-compatible server: julep.server.",
            },
            "servers": [{"url": server_url}],
            "security": [{"api-key": []}] if secured else [],
            "paths": paths,
            "components": {
                "schemas": components.schemas,
                "securitySchemes": {
                    "api-key": {"type": "apiKey", "in": "header", "name": "Authorization"}
                },
            },
        }
    )
