"""The OpenAPI 3.1 document of the server, derived from its route table.

Request and response schemas come from the attrs classes themselves (the
SDK's models and ``schemas.py``), walked by type; only the constraints the
classes cannot express (patterns, ranges, formats, defaults) are listed here.

Nullability follows the spec, not the classes: an optional field is left out
when it has no value, so only the fields the spec marks nullable (in
``NULLABLE``) admit ``null``. (The server still accepts ``null`` for any
optional request field, as julep 0.3.9 sends them.) Every ``id`` and ``*_id``
field is ``format: uuid``.
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
    Agent,
    AgentDefaultSettings,
    ChatMlImageContentPart,
    ChatMlImageContentPartImageUrl,
    ChatMlMessageContentItem,
    ChatMlTextContentPart,
    ChatSettingsResponseFormat,
    CreateDoc,
    FreeformObject,
    InputChatMlMessage,
    JobStatus,
    Memory,
    NamedToolChoice,
    Session,
    User,
)
from . import limits
from .ranges import RANGES, STOP_ITEMS, TOOL_CHOICES
from .routes import Operation
from .schemas import (
    MAX_TOKEN_BUDGET,
    MAX_TOKENS_LIMIT,
    ChatRequest,
    CreateAgentRequest,
    CreateSessionRequest,
    CreateUserRequest,
    PatchSessionRequest,
    UpdateSessionRequest,
)
from .store.agents import DEFAULT_MODEL
from .store.users import DEFAULT_NAME
from .validation import WIRE_NAMES

JSONSchema = dict[str, typing.Any]

_BUDGET = {"minimum": 0, "maximum": MAX_TOKEN_BUDGET}
_STOP_LOW, _STOP_HIGH = STOP_ITEMS
# Checks the server makes that the classes' types do not show.
CONSTRAINTS: dict[tuple[type, str], JSONSchema] = {
    (ChatRequest, "messages"): {"minItems": 1, "maxItems": limits.MAX_CHAT_MESSAGES},
    (ChatRequest, "max_tokens"): {"minimum": 1, "maximum": MAX_TOKENS_LIMIT},
    (ChatRequest, "stop"): {"minItems": _STOP_LOW, "maxItems": _STOP_HIGH},
    (CreateSessionRequest, "token_budget"): _BUDGET,
    (UpdateSessionRequest, "token_budget"): _BUDGET,
    (PatchSessionRequest, "token_budget"): _BUDGET,
    **{
        (cls, name): allowed.schema()
        for cls, fields in RANGES.items()
        for name, allowed in fields.items()
    },
}


def _tool_choice(components: _Components) -> JSONSchema:
    return {
        "anyOf": [
            {"type": "string", "enum": list(TOOL_CHOICES)},
            components.ref(NamedToolChoice),
            {"type": "null"},
        ]
    }


def _input_content(components: _Components) -> JSONSchema:
    # A request's parts are text or image_url only: a part of another type would be
    # stored and make julep 0.3.9 fail to read the history. (A response's parts keep
    # the "other" arm of _content_part: a client reads what a newer server adds.)
    parts = [components.ref(ChatMlTextContentPart), components.ref(ChatMlImageContentPart)]
    return {"anyOf": [{"type": "string"}, {"type": "array", "items": {"anyOf": parts}}]}


def _doc_content(_: _Components) -> JSONSchema:
    # The spec's content items have minLength 1 (a doc's text, or its non-empty pieces).
    pieces = {"type": "array", "items": {"type": "string", "minLength": 1}}
    return {"anyOf": [{"type": "string"}, pieces]}


# Schemas the classes' types cannot give at all.
REPLACED: dict[tuple[type, str], typing.Callable[[_Components], JSONSchema]] = {
    (ChatRequest, "tool_choice"): _tool_choice,
    (InputChatMlMessage, "content"): _input_content,
    (CreateDoc, "content"): _doc_content,
}
# The fields the spec lets be null; every other optional field is left out instead.
_CHAT_NULLABLE = (
    "tools", "tool_choice", "frequency_penalty", "length_penalty", "logit_bias", "max_tokens",
    "presence_penalty", "repetition_penalty", "seed", "stop", "stream", "temperature", "top_p",
)  # fmt: skip
_SETTINGS_NULLABLE = (
    "frequency_penalty", "length_penalty", "presence_penalty", "repetition_penalty",
    "temperature", "top_p",
)  # fmt: skip
NULLABLE = frozenset(
    {
        *((ChatRequest, name) for name in _CHAT_NULLABLE),
        *((AgentDefaultSettings, name) for name in _SETTINGS_NULLABLE),
        (CreateSessionRequest, "user_id"),
    }
)
# The spec's defaults, which are also what the server fills in.
_SETTINGS_DEFAULTS = {
    "frequency_penalty": 0,
    "length_penalty": 1,
    "presence_penalty": 0,
    "repetition_penalty": 1,
    "temperature": 0.75,
    "top_p": 1,
    "min_p": 0.01,
}
DEFAULTS: dict[tuple[type, str], typing.Any] = {
    **{(AgentDefaultSettings, name): value for name, value in _SETTINGS_DEFAULTS.items()},
    **{(ChatRequest, name): value for name, value in _SETTINGS_DEFAULTS.items()},
    (ChatRequest, "max_tokens"): 200,
    (ChatRequest, "stream"): False,
    (ChatRequest, "recall"): True,
    (ChatRequest, "record"): True,
    (ChatRequest, "remember"): True,
    (Agent, "model"): DEFAULT_MODEL,
    (Agent, "about"): "",
    (CreateAgentRequest, "model"): DEFAULT_MODEL,
    (CreateAgentRequest, "about"): "",
    (User, "name"): DEFAULT_NAME,
    (User, "about"): "",
    (CreateUserRequest, "name"): DEFAULT_NAME,
    (CreateUserRequest, "about"): "",
    (Session, "render_templates"): False,
    (CreateSessionRequest, "render_templates"): False,
    (InputChatMlMessage, "continue"): False,
    (ChatMlImageContentPartImageUrl, "detail"): "auto",
    (ChatSettingsResponseFormat, "type"): "text",
    (JobStatus, "has_progress"): False,
    (JobStatus, "progress"): 0,
    (Memory, "sentiment"): 0,
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
    401: "An Authorization header that is not UTF-8 text",
    403: "Missing or wrong API key",
    404: "Not found",
    413: "The body is larger than the server's limit",
    415: "The body is not application/json",
    421: "The Host header does not name this server (dev mode)",
    422: "The request does not fit the API (the detail names the field)",
    502: "The model backend failed",
    503: "The template renderer is busy with other chats (retry)",
}


class _Components:
    def __init__(self, *, accepted_nulls: bool = False) -> None:
        self.schemas: dict[str, JSONSchema] = {}
        self.accepted_nulls = accepted_nulls

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
            properties[name] = self._property(cls, name, hints[field.name])
            if field.default is attrs.NOTHING or (cls, name) in REQUIRED:
                required.append(name)
        schema: JSONSchema = {"type": "object", "properties": properties}
        if required:
            schema["required"] = required
        return schema

    def _property(self, cls: type, name: str, hint: object) -> JSONSchema:
        key = (cls, name)
        if key in REPLACED:
            return REPLACED[key](self)
        nullable = key in NULLABLE or self.accepted_nulls
        schema = self.schema(hint if nullable else _without_none(hint))
        if name == "id" or name.endswith("_id"):
            schema["format"] = "uuid"
        elif (name.endswith("_ids") or name == "jobs") and "items" in schema:
            schema["items"] = {**schema["items"], "format": "uuid"}
        schema.update(CONSTRAINTS.get(key, {}))
        if key in DEFAULTS:
            schema["default"] = DEFAULTS[key]
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


def _without_none(hint: object) -> object:
    """``hint`` without its ``None`` arm: an optional field that is left out, never null."""
    if typing.get_origin(hint) not in (typing.Union, types.UnionType):
        return hint
    arms = tuple(arm for arm in typing.get_args(hint) if arm is not type(None))
    return arms[0] if len(arms) == 1 else typing.Union[arms]


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
    guarded = (401, 403) if secured else (421,)
    with_body = (413, 415) if operation.body is not None else ()
    for status in sorted({*operation.errors, *guarded, *with_body}):
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


def document(
    operations: typing.Sequence[Operation],
    *,
    server_url: str,
    secured: bool,
    accepted_nulls: bool = False,
) -> bytes:
    """The OpenAPI document as JSON bytes (built once, at start).

    ``secured`` says whether the server checks an API key: a server in dev
    mode requires none, and its document says so. ``accepted_nulls`` lets
    every optional field be null: not the contract, but what the server
    accepts (julep 0.3.9 sends nulls), for tests that probe what is refused.
    """
    components = _Components(accepted_nulls=accepted_nulls)
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
