"""Checks on call arguments, made before any request is sent.

Every error names the argument and says what was wrong with it. The helpers
also turn arguments into their wire form: quoted path segments, a query
string, and JSON-ready body values.
"""

from __future__ import annotations

import collections.abc
import enum
import math
import re
import sys
import typing
import urllib.parse
import uuid

import attrs
import cattrs
import orjson

from . import models as m
from ._config import is_seconds
from ._serde import (
    ARRAYS,
    ORDERED_ARRAYS,
    UNORDERED_ARRAYS,
    RequestBody,
    converter,
    describe_error,
    encode_json,
    is_utf8,
    strict_enum,
    wire_names,
)
from ._shown import shown
from ._types import OMIT, JSONObject
from .errors import with_article
from .models.enums import ChatSettingsPreset, Order, SortBy

_E = typing.TypeVar("_E", bound=enum.Enum)

SortByArg = typing.Union[SortBy, typing.Literal["created_at", "updated_at"]]
OrderArg = typing.Union[Order, typing.Literal["asc", "desc"]]
PresetArg = typing.Union[
    ChatSettingsPreset,
    typing.Literal[
        "problem_solving",
        "conversational",
        "fun",
        "prose",
        "creative",
        "business",
        "deterministic",
        "code",
        "multilingual",
    ],
]


_FLOAT_MAX = sys.float_info.max

_URL_SAFE_ID = re.compile(r"[A-Za-z0-9_.~-]+")
_DOT_SEGMENTS = frozenset({".", ".."})
# Ids lately found to need no escaping: a service sends many calls for the
# same session or agent, and a lookup costs a tenth of the regex. Emptied when
# full, so it stays small whatever the ids.
_RECENT_SAFE_IDS: dict[str, None] = {}
_MAX_RECENT_SAFE_IDS = 1024


def path_id(name: str, value: object) -> str:
    """A resource id made safe for a URL path segment.

    An empty id would turn ``GET /agents/{id}`` into ``GET /agents/``, a
    different operation, so it is refused here. So are ``.`` and ``..``: as
    path segments, every URL normaliser (RFC 3986 remove_dot_segments: proxies,
    gateways) resolves them, and ``DELETE /agents/{id}/docs/..`` would become
    ``DELETE /agents/{id}``. Percent-encoding does not help, as many servers
    decode ``%2E`` before normalising.
    """
    # type(), not __class__: an object can claim to be a str through a class
    # attribute, and one hashing and comparing like a cached id would come back.
    if type(value) is str and value in _RECENT_SAFE_IDS:
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}: {shown(value)}")
    if _URL_SAFE_ID.fullmatch(value) and value not in _DOT_SEGMENTS:
        if type(value) is str:  # a subclass may hash or compare its own way
            if len(_RECENT_SAFE_IDS) >= _MAX_RECENT_SAFE_IDS:
                _RECENT_SAFE_IDS.clear()
            _RECENT_SAFE_IDS[value] = None
        return value  # uuids, the usual case, need no escaping
    if not value.strip():
        raise ValueError(f"{name} must be a non-empty id, got {shown(value)}")
    if value in _DOT_SEGMENTS:
        raise ValueError(
            f"{name} must be an id, got {shown(value)}, which a URL path resolves as a directory"
        )
    try:
        return urllib.parse.quote(value, safe="")
    except UnicodeEncodeError as exc:  # a lone surrogate (surrogateescape'd bytes)
        raise ValueError(f"{name} cannot be sent in a URL ({exc.reason}): {shown(value)}") from None


def given(value: object) -> bool:
    """Whether an optional argument was given: not None, OMIT, or ``...`` (julep
    0.3.x's OMIT, which callers of that client may forward)."""
    return value is not None and value is not OMIT and value is not ...


def check_str(name: str, value: object, *, optional: bool = False) -> None:
    if optional and (value is OMIT or value is None or value is ...):
        return
    if value is OMIT or value is ...:
        # The omit marker in a required argument: a body without it, or a
        # query searching for the text "OMIT", is not what the caller meant.
        raise TypeError(
            f"{name} must be a str, got {value!r}: it is required and cannot be left out"
        )
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a str, got {type(value).__name__}: {shown(value)}")


def check_int(name: str, value: object, *, minimum: int | None = None) -> None:
    if value is OMIT or value is None or value is ...:
        return
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}: {shown(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {shown(value)}")


def check_number(name: str, value: object) -> None:
    if value is OMIT or value is None or value is ...:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}: {shown(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        # JSON has no NaN or infinity: they would go out as null, which clears a setting.
        raise ValueError(f"{name} must be a finite number, got {shown(value)}")
    if isinstance(value, int) and not -_FLOAT_MAX <= value <= _FLOAT_MAX:
        # Every number setting is a float to the API, which refuses one past its range.
        raise ValueError(
            f"{name} must be a finite number, got an int too large for a float "
            f"({abs(value).bit_length()} bits)"
        )


def check_seconds(name: str, value: object, *, allow_zero: bool) -> None:
    """A duration: a finite number of seconds, > 0 (or >= 0 with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(
            f"{name} must be a number of seconds, got {type(value).__name__}: {shown(value)}"
        )
    if not is_seconds(value, allow_zero=allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be a finite number of seconds {bound}, got {shown(value)}")


def check_bool(name: str, value: object) -> None:
    if value is OMIT or value is None or value is ...:
        return
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__}: {shown(value)}")


def check_object(name: str, value: object) -> None:
    if value is OMIT or value is None or value is ...:
        return
    if not isinstance(value, dict):
        raise TypeError(f"{name} must be a dict, got {type(value).__name__}: {shown(value)}")
    check_finite(name, value)


def check_str_or_strs(name: str, value: object) -> None:
    if value is OMIT or value is None or value is ... or isinstance(value, str):
        return
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return
    raise TypeError(f"{name} must be a str or a list of str, got {shown(value)}")


def enum_value(name: str, cls: type[_E], value: object) -> object:
    """A member or its plain value, as the member; OMIT and None pass through."""
    if value is OMIT or value is None:
        return value
    if value is ...:
        return OMIT
    try:
        return strict_enum(cls, value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


# Models read from the API that a request also takes in place of its own
# model, as julep 0.3.9 did: history into chat, one agent's tools and docs into
# another, a tool's function into its patch. Only the request model's fields go.
_SENDABLE_AS: dict[type, tuple[type, ...]] = {
    m.InputChatMlMessage: (m.ChatMlMessage,),
    m.PartialFunctionDef: (m.FunctionDef,),
    m.CreateToolRequest: (m.Tool,),
    m.CreateDoc: (m.Doc,),
}


def _one_model(name: str, cls: type, value: object) -> object:
    if isinstance(value, (cls, dict)):
        check_finite(name, value)
        return value  # encode_json writes the models inside the body
    if isinstance(value, _SENDABLE_AS.get(cls, ())):
        return _as_request_model(name, cls, value)
    raise TypeError(
        f"{name} must be {with_article(cls.__name__)} or a dict, "
        f"got {type(value).__name__}: {shown(value)}"
    )


def _as_request_model(name: str, cls: type, value: object) -> object:
    """``value`` (a response model) as ``cls``, from the fields it would send."""
    keep = wire_names(cls)
    sent = {key: item for key, item in converter.unstructure(value).items() if key in keep}
    try:
        converted: object = converter.structure(sent, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError) as exc:
        detail = describe_error(exc)
        raise ValueError(
            f"{name}: this {type(value).__name__} cannot be sent as "
            f"{with_article(cls.__name__)}: {detail}"
        ) from None
    check_finite(name, converted)
    return converted


def check_finite(name: str, value: object) -> None:
    """No NaN or infinity anywhere in a model or dict argument (JSON would say null)."""
    try:
        if not _all_finite(value):
            _raise_non_finite(name, value)
    except RecursionError:
        raise ValueError(f"{name} is nested too deeply, or contains itself") from None


# The fields of each class met so far (None: not an attrs class): the models
# and the few other classes callers pass, kept small should classes be made
# on the fly.
_FIELDS_OF: dict[type, tuple[str, ...] | None] = {}
_FIELDS_OF_MAX = 512


def _fields_of(cls: type) -> tuple[str, ...] | None:
    try:
        return _FIELDS_OF[cls]
    except KeyError:
        pass
    if len(_FIELDS_OF) >= _FIELDS_OF_MAX:
        _FIELDS_OF.clear()
    names = (
        tuple(
            field.name
            for field in attrs.fields(cls)
            if not field.name.startswith("_") and field.name != "response_info"
        )
        if attrs.has(cls)
        else None
    )
    _FIELDS_OF[cls] = names
    return names


def _all_finite(value: object) -> bool:
    """The scan on every call: no names built, exact types checked first."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or value is None:
        return True
    if cls is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    if cls is dict:
        items: typing.Iterable[object] = value.values()  # type: ignore[attr-defined]
    elif cls is list or cls is tuple:
        items = value  # type: ignore[assignment]
    elif isinstance(value, float):
        return math.isfinite(value)
    elif isinstance(value, dict):
        items = value.values()
    elif isinstance(value, ARRAYS):
        items = value
    else:
        names = _fields_of(cls)
        if names is None:
            return True  # enums, datetimes, OMIT: nothing that JSON would null
        items = [getattr(value, name) for name in names]
    for item in items:
        inner = item.__class__
        if inner is str or inner is int or inner is bool or item is None:
            continue
        if not _all_finite(item):
            return False
    return True


def _raise_non_finite(name: str, value: object) -> None:
    """The failure path: find the first NaN or infinity and name where it sits."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{name} must hold finite numbers, got {shown(value)}")
    elif isinstance(value, dict):
        for key, item in value.items():
            _raise_non_finite(f"{name}[{key!r}]", item)
    elif isinstance(value, ORDERED_ARRAYS):
        for index, item in enumerate(value):
            _raise_non_finite(f"{name}[{index}]", item)
    elif isinstance(value, UNORDERED_ARRAYS):
        for item in value:  # unordered: the set itself is named
            _raise_non_finite(name, item)
    else:
        for field_name in _fields_of(type(value)) or ():
            _raise_non_finite(f"{name}.{field_name}", getattr(value, field_name))


def model(name: str, cls: type, value: object) -> object:
    """A model argument, which may also be given as a plain dict, in JSON form."""
    if value is OMIT or value is None:
        return value
    if value is ...:
        return OMIT
    return _one_model(name, cls, value)


def required_model(name: str, cls: type, value: object) -> object:
    """A model argument that must be given (not None), or a plain dict, in JSON form."""
    if value is None or value is OMIT or value is ...:
        raise TypeError(f"{name} must be {with_article(cls.__name__)} or a dict, got {value!r}")
    return _one_model(name, cls, value)


def whole_request(cls: type, value: object) -> object:
    """The ``request=`` argument (a model, or a dict in JSON form): the whole body."""
    checked = required_model("request", cls, value)
    # A dict is marked, so that encoding errors name it as the request.
    return RequestBody(checked) if isinstance(checked, dict) else checked


def models(name: str, cls: type, value: object, *, non_empty: bool = False) -> object:
    """A list of model arguments (models or dicts), in JSON form."""
    if value is OMIT or value is None:
        return value
    if value is ...:
        return OMIT
    if not isinstance(value, (list, tuple)) and (
        # What the signatures take (typing.Sequence): a UserList, a deque, one's
        # own; not a str or bytes, whose items are characters or ints.
        not isinstance(value, collections.abc.Sequence)
        or isinstance(value, (str, bytes, bytearray, memoryview))
    ):
        raise TypeError(f"{name} must be a list of {cls.__name__}, got {type(value).__name__}")
    if non_empty and not value:
        raise ValueError(f"{name} must not be empty")
    try:
        # The usual items (dicts and models of cls, every number finite), checked
        # in one pass without building their names or a frame per item.
        for item in value:
            if not (item.__class__ is dict or isinstance(item, cls)) or not _all_finite(item):
                break
        else:
            return list(value)
    except RecursionError:
        pass  # check_finite, below, says which item
    out = list(value)
    for index, item in enumerate(out):
        # Anything else (a response model to convert, a wrong type, a NaN) is
        # checked item by item, with its name in the error.
        out[index] = _one_model(f"{name}[{index}]", cls, item)
    return out


def _refuse_sets(name: str, value: object) -> None:
    """A filter matches metadata by equality; a set, written as a list in no
    set order, would match by chance. (A request body may hold sets.)"""
    if isinstance(value, UNORDERED_ARRAYS):
        raise TypeError(f"{name} cannot hold a set (its order is undefined); give a list")
    if isinstance(value, dict):
        for key, item in value.items():
            _refuse_sets(f"{name}[{key!r}]", item)
    elif isinstance(value, ORDERED_ARRAYS):
        for index, item in enumerate(value):
            _refuse_sets(f"{name}[{index}]", item)


def metadata_filter(value: object) -> str | None:
    """The filter as the JSON string the API takes; a dict is encoded for you."""
    if value is None or value is OMIT or value is ...:
        return None
    if isinstance(value, dict):
        # NaN and infinity would be written as null: another filter than the one given.
        check_finite("metadata_filter", value)
        _refuse_sets("metadata_filter", value)
        try:
            # As a body's metadata is written: an integer past 64 bits exactly.
            return encode_json(value).decode()
        except TypeError as exc:  # orjson.JSONEncodeError: a key or value JSON can't hold
            raise TypeError(f"metadata_filter cannot be sent as JSON: {exc}") from None
        except ValueError as exc:  # an integer of more digits than Python writes
            raise ValueError(f"metadata_filter cannot be sent as JSON: {exc}") from None
    if not isinstance(value, str):
        raise TypeError(
            f"metadata_filter must be a JSON object as a str (or a dict), got {shown(value)}"
        )
    try:
        parsed = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise ValueError(f"metadata_filter is not valid JSON: {shown(value)}") from None
    if not isinstance(parsed, dict):
        raise ValueError(f"metadata_filter must be a JSON object, got {shown(value)}")
    return value


def body(**fields: object) -> JSONObject:
    """The JSON body: omitted arguments are left out, ``None`` is kept as null."""
    return {key: value for key, value in fields.items() if value is not OMIT and value is not ...}


def query(**params: object) -> str:
    """The query string, without the ``?``; ``None`` and ``OMIT`` values are dropped."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        if value is None or value is OMIT or value is ...:  # left out, as OMIT says
            continue
        wire = value.value if isinstance(value, enum.Enum) else value
        pairs.append((key, str(wire)))
    try:
        return urllib.parse.urlencode(pairs)
    except UnicodeEncodeError as exc:  # a lone surrogate (surrogateescape'd bytes)
        key, wire = next((k, v) for k, v in pairs if not v.isascii() and not is_utf8(v))
        raise ValueError(f"{key} cannot be sent in a URL ({exc.reason}): {wire!r}") from None


def list_query(
    limit: object, offset: object, filter_: object, sort_by: object, order: object
) -> str:
    """The query of the sortable, filterable list operations."""
    check_int("limit", limit, minimum=1)
    check_int("offset", offset, minimum=0)
    return query(
        limit=limit,
        offset=offset,
        metadata_filter=metadata_filter(filter_),
        sort_by=enum_value("sort_by", SortBy, sort_by),
        order=enum_value("order", Order, order),
    )


def page_query(limit: object, offset: object, **extra: object) -> str:
    """The query of the plain limit/offset list operations."""
    check_int("limit", limit, minimum=1)
    check_int("offset", offset, minimum=0)
    return query(**extra, limit=limit, offset=offset)
