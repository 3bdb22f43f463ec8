"""Users: create (with docs), read, list, replace, patch, delete."""

from __future__ import annotations

import sqlite3

from ...models import User
from .. import clock
from ..errors import not_found
from ..params import ListQuery
from ..schemas import CreateUserRequest, PatchUserRequest, UpdateUserRequest
from . import docs, jobs
from ._util import bounded_page, from_json, list_tail, merged_metadata, new_id, to_json

DEFAULT_NAME = "User"  # the API's documented default
_COLUMNS = "id, name, about, metadata, created_at, updated_at"


def _user(row: sqlite3.Row) -> User:
    return User(
        id=row["id"],
        name=row["name"],
        about=row["about"],
        metadata=from_json(row["metadata"]),
        created_at=clock.parse(row["created_at"]),
        updated_at=clock.parse(row["updated_at"]),
    )


def create(conn: sqlite3.Connection, body: CreateUserRequest) -> tuple[str, str, list[str]]:
    """Insert the user and its docs; returns (id, created_at, job ids)."""
    user_id, now = new_id(), clock.timestamp()
    conn.execute(
        f"INSERT INTO users ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (
            user_id,
            DEFAULT_NAME if body.name is None else body.name,
            body.about or "",
            to_json(body.metadata or {}),
            now,
            now,
        ),
    )
    for doc in body.docs or ():
        docs.insert(conn, "user_id", user_id, doc)
    # One embedding job for all the docs, as the 0.3 API answered.
    return user_id, now, [jobs.insert_done(conn, docs.EMBED_JOB)] if body.docs else []


def get(conn: sqlite3.Connection, user_id: str) -> User:
    row = conn.execute(f"SELECT {_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
    if row is None:
        raise not_found("User")
    return _user(row)


def list_(conn: sqlite3.Connection, query: ListQuery) -> list[User]:
    tail, params = list_tail(query)
    rows = conn.execute(f"SELECT {_COLUMNS} FROM users WHERE 1{tail}", params)
    return [_user(row) for row in bounded_page(rows, query.limit)]


def replace(conn: sqlite3.Connection, user_id: str, body: UpdateUserRequest) -> str:
    """PUT: name and about are set, metadata goes back to ``{}`` when left out."""
    now = clock.timestamp()
    cursor = conn.execute(
        "UPDATE users SET name = ?, about = ?, metadata = ?, updated_at = ? WHERE id = ?",
        (body.name, body.about, to_json(body.metadata or {}), now, user_id),
    )
    if cursor.rowcount == 0:
        raise not_found("User")
    return now


def patch(conn: sqlite3.Connection, user_id: str, body: PatchUserRequest) -> str:
    """PATCH: only fields present and not null change; metadata merges key by key."""
    current = get(conn, user_id)
    now = clock.timestamp()
    conn.execute(
        "UPDATE users SET name = ?, about = ?, metadata = ?, updated_at = ? WHERE id = ?",
        (
            current.name if body.name is None else body.name,
            current.about if body.about is None else body.about,
            merged_metadata(current.metadata, body.metadata),
            now,
            user_id,
        ),
    )
    return now


def delete(conn: sqlite3.Connection, user_id: str) -> str:
    """Delete the user row if it is there: idempotent, nothing else goes with it."""
    conn.execute("DELETE FROM users WHERE id = ?", (user_id,))
    return clock.timestamp()
