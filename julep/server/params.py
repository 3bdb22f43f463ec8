"""Reading a request: path ids, paging, list filters and JSON bodies.

Every problem becomes a 422 (or, for a bad ``metadata_filter``, the 400 of
the API of 0.3.x) whose detail names the offending parameter.
"""

from __future__ import annotations

import asyncio
import typing
import uuid

import attrs
import orjson
from aiohttp import web

from .. import _bigjson
from . import limits
from .errors import RequestError, invalid
from .validation import structure

T = typing.TypeVar("T")

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
MAX_OFFSET = 2**63 - 1  # SQLite's largest integer
SORT_COLUMNS = ("created_at", "updated_at")
ORDERS = ("asc", "desc")


def uuid_value(name: str, raw: str) -> str:
    """``raw`` in canonical lower-case UUID form, or a 422 naming ``name``."""
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        raise invalid(f"{name}: not a valid UUID: {raw!r}") from None


def path_id(request: web.Request, name: str) -> str:
    """The UUID path parameter ``name``, in canonical lower-case form."""
    return uuid_value(name, request.match_info[name])


def _int_param(request: web.Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1  # reported as out of range below
    if not low <= value <= high:
        raise invalid(f"{name}: must be an integer between {low} and {high}, got {raw!r}")
    return value


@attrs.frozen
class Page:
    limit: int
    offset: int


def page(request: web.Request) -> Page:
    """``limit`` (1..1000, default 100) and ``offset`` (>= 0, default 0)."""
    return Page(
        limit=_int_param(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        offset=_int_param(request, "offset", 0, 0, MAX_OFFSET),
    )


@attrs.frozen
class ListQuery:
    """A page of a sortable, filterable list."""

    limit: int
    offset: int
    metadata_filter: str | None  # a JSON object, re-encoded; None when it has no keys
    sort_by: str
    order: str


def _choice(request: web.Request, name: str, allowed: tuple[str, ...], default: str) -> str:
    raw = request.query.get(name)
    if raw is None:
        return default
    # julep 0.3.9 sends an enum member's str(), e.g. "ListAgentsRequestSortBy.UPDATED_AT".
    value = raw.rpartition(".")[2].lower()
    if value not in allowed:
        raise invalid(f"{name}: expected one of {', '.join(allowed)}, got {raw!r}")
    return value


def list_query(request: web.Request) -> ListQuery:
    """Paging plus ``metadata_filter``, ``sort_by`` (created_at) and ``order`` (desc)."""
    current = page(request)
    raw_filter = request.query.get("metadata_filter")
    metadata_filter: str | None = None
    if raw_filter is not None:
        try:
            parsed = _bigjson.loads(raw_filter)
        except orjson.JSONDecodeError:
            raise RequestError(400, "metadata_filter is not a valid JSON") from None
        if not isinstance(parsed, dict):
            raise RequestError(400, "metadata_filter must be a JSON object")
        # orjson reads 1,024 levels but writes 254, and the fallback encoder
        # recurses: a filter nested ~1,000 deep was a RecursionError (500).
        if limits.too_deep(parsed):
            raise RequestError(
                400, f"metadata_filter is nested deeper than {limits.MAX_DEPTH} levels"
            )
        metadata_filter = _bigjson.dumps_plain(parsed).decode() if parsed else None
    return ListQuery(
        limit=current.limit,
        offset=current.offset,
        metadata_filter=metadata_filter,
        sort_by=_choice(request, "sort_by", SORT_COLUMNS, "created_at"),
        order=_choice(request, "order", ORDERS, "desc"),
    )


# Bodies larger than this are decoded and checked on a worker thread, so one
# large request does not hold up the event loop (and every other request).
INLINE_BODY_BYTES = 64 * 1024


def parse(data: bytes) -> object:
    """``data`` parsed as JSON and checked against ``limits`` (422 otherwise)."""
    try:
        parsed = _bigjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc):
            raise invalid(f"body: nested deeper than {limits.MAX_DEPTH} levels") from None
        raise invalid("body: not valid JSON") from None
    limits.check(parsed)
    return parsed


def decode(data: bytes, cls: type[T]) -> T:
    """``data`` parsed as JSON, checked against ``limits`` and structured as ``cls``."""
    return structure(parse(data), cls)


async def _off_loop_if_large(data: bytes, work: typing.Callable[[bytes], T]) -> T:
    if len(data) <= INLINE_BODY_BYTES:
        return work(data)
    return await asyncio.get_running_loop().run_in_executor(None, work, data)


async def json_body(request: web.Request) -> object:
    """The request body as checked JSON, for routes that read it without a model."""
    return await _off_loop_if_large(await request.read(), parse)


async def body(request: web.Request, cls: type[T]) -> T:
    """The JSON body structured as ``cls`` with the SDK's converter (422 on any mismatch)."""
    return await _off_loop_if_large(await request.read(), lambda data: decode(data, cls))
