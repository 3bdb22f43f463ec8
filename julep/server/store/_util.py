"""Helpers shared by the store modules: JSON columns, ids, list queries."""

from __future__ import annotations

import sqlite3
import typing
import uuid

from ... import _bigjson
from ..errors import invalid, not_found
from ..limits import MAX_FREEFORM_BYTES
from ..params import ListQuery, Page


def to_json(value: object) -> str:
    return _bigjson.dumps_plain(value).decode()


def from_json(text: str) -> typing.Any:
    return _bigjson.loads(text)


def merged_metadata(
    current: dict[str, typing.Any] | None, change: dict[str, typing.Any] | None
) -> str:
    """PATCH's metadata: ``change`` merged key by key into ``current``, as JSON text.

    Each body's metadata is at most ``MAX_FREEFORM_BYTES``; merged, so is what is
    stored, or PATCH after PATCH would grow it without bound, past what a PUT of
    the object as read back (or a create of a copy) accepts.
    """
    merged = to_json({**(current or {}), **(change or {})})
    size = len(merged.encode())
    if change and size > MAX_FREEFORM_BYTES:
        raise invalid(
            f"metadata: at most {MAX_FREEFORM_BYTES} bytes as JSON once merged with the"
            f" stored metadata, got {size}; remove keys with a PUT"
        )
    return merged


def new_id() -> str:
    return str(uuid.uuid4())


def list_tail(query: ListQuery, *, sort_column: str | None = None) -> tuple[str, list[object]]:
    """The filter, order and paging SQL that ends a list query, with its parameters.

    ``sort_by`` and ``order`` were checked against fixed sets, so they can be
    written into the SQL; the ``rowid`` tie-break keeps pages stable.
    """
    sql = ""
    params: list[object] = []
    if query.metadata_filter is not None:
        sql += " AND julep_metadata_matches(metadata, ?)"
        params.append(query.metadata_filter)
    column = sort_column or query.sort_by
    sql += f" ORDER BY {column} {query.order}, rowid {query.order} LIMIT ? OFFSET ?"
    params += [query.limit, query.offset]
    return sql, params


# The most text one list page may hold, in characters of its rows' text columns.
# JSON writes a character in at most 6 bytes (\u001f), so a page stays under 96
# MiB on the wire, inside the SDK's default max_response_bytes (100 MiB), and one
# list costs the server a bounded amount of memory whatever limit asks for (1,000
# docs of 4 MiB each were a 4 GB page, built whole).
MAX_PAGE_CHARS = 16 * 1024 * 1024


def bounded_page(rows: typing.Iterable[sqlite3.Row], limit: int) -> typing.Iterator[sqlite3.Row]:
    """The rows of a page, read one at a time; a 422 naming ``limit`` as soon as
    they pass ``MAX_PAGE_CHARS``. The first row always fits, so any item can be
    read with a small enough ``limit``; the error says how many fit."""
    total = 0
    for count, row in enumerate(rows):
        total += sum(len(value) for value in row if value.__class__ is str)
        if count and total > MAX_PAGE_CHARS:
            raise invalid(
                f"limit: a page of {limit} items here holds more than {MAX_PAGE_CHARS} characters"
                f" of text (the most one page sends); the first {count} fit, so ask for"
                f" limit={count} or less"
            )
        yield row


def page_tail(page: Page, order: str) -> tuple[str, list[object]]:
    """Order by creation (``asc`` or ``desc``) and page."""
    return f" ORDER BY created_at {order}, rowid {order} LIMIT ? OFFSET ?", [
        page.limit,
        page.offset,
    ]


_OWNERS = {
    "agent_id": ("agents", "Agent"),
    "user_id": ("users", "User"),
    "session_id": ("sessions", "Session"),
}


def require(conn: sqlite3.Connection, column: str, owner_id: str) -> None:
    """404 (``Agent not found``, ``User not found``...) unless the owner exists."""
    table, what = _OWNERS[column]
    if conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (owner_id,)).fetchone() is None:
        raise not_found(what)
