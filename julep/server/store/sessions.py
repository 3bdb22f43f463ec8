"""Sessions: create, read, list, replace, patch, delete."""

from __future__ import annotations

import sqlite3

from ...models import Session
from .. import clock
from ..errors import not_found
from ..params import ListQuery
from ..schemas import CreateSessionRequest, PatchSessionRequest, UpdateSessionRequest
from ._util import bounded_page, from_json, list_tail, merged_metadata, new_id, require, to_json

_COLUMNS = (
    "id, agent_id, user_id, situation, summary, metadata, render_templates, token_budget,"
    " context_overflow, created_at, updated_at"
)


def _session(row: sqlite3.Row) -> Session:
    return Session(
        id=row["id"],
        agent_id=row["agent_id"],
        user_id=row["user_id"],
        situation=row["situation"],
        summary=row["summary"],
        metadata=from_json(row["metadata"]),
        render_templates=bool(row["render_templates"]),
        token_budget=row["token_budget"],
        context_overflow=row["context_overflow"],
        created_at=clock.parse(row["created_at"]),
        updated_at=clock.parse(row["updated_at"]),
    )


def create(conn: sqlite3.Connection, body: CreateSessionRequest) -> tuple[str, str]:
    """Insert a session of an existing agent (and user); ids were checked to be UUIDs."""
    require(conn, "agent_id", body.agent_id)
    if body.user_id is not None:
        require(conn, "user_id", body.user_id)
    session_id, now = new_id(), clock.timestamp()
    conn.execute(
        f"INSERT INTO sessions ({_COLUMNS}) VALUES (?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
        (
            session_id,
            body.agent_id,
            body.user_id,
            body.situation,
            to_json(body.metadata or {}),
            bool(body.render_templates),
            body.token_budget,
            body.context_overflow,
            now,
            now,
        ),
    )
    return session_id, now


def get(conn: sqlite3.Connection, session_id: str) -> Session:
    row = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE id = ?", (session_id,)).fetchone()
    if row is None:
        raise not_found("Session")
    return _session(row)


def list_(conn: sqlite3.Connection, query: ListQuery) -> list[Session]:
    tail, params = list_tail(query)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM sessions WHERE 1{tail}", params)
    return [_session(row) for row in bounded_page(rows, query.limit)]


def replace(conn: sqlite3.Connection, session_id: str, body: UpdateSessionRequest) -> str:
    """PUT: situation is set; metadata, token_budget and context_overflow reset when left out."""
    now = clock.timestamp()
    cursor = conn.execute(
        "UPDATE sessions SET situation = ?, metadata = ?, token_budget = ?, context_overflow = ?,"
        " updated_at = ? WHERE id = ?",
        (
            body.situation,
            to_json(body.metadata or {}),
            body.token_budget,
            body.context_overflow,
            now,
            session_id,
        ),
    )
    if cursor.rowcount == 0:
        raise not_found("Session")
    return now


def patch(conn: sqlite3.Connection, session_id: str, body: PatchSessionRequest) -> str:
    """PATCH: only fields present and not null change; metadata merges key by key."""
    current = get(conn, session_id)
    now = clock.timestamp()
    conn.execute(
        "UPDATE sessions SET situation = ?, metadata = ?, token_budget = ?, context_overflow = ?,"
        " updated_at = ? WHERE id = ?",
        (
            current.situation if body.situation is None else body.situation,
            merged_metadata(current.metadata, body.metadata),
            current.token_budget if body.token_budget is None else body.token_budget,
            current.context_overflow if body.context_overflow is None else body.context_overflow,
            now,
            session_id,
        ),
    )
    return now


def delete(conn: sqlite3.Connection, session_id: str) -> str:
    """Delete the session if it is there (idempotent), with its history and suggestions.

    No route reaches the history of a session that is gone, so it is not kept.
    """
    conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,))
    conn.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
    conn.execute("DELETE FROM suggestions WHERE session_id = ?", (session_id,))
    return clock.timestamp()
