"""Stored first responses of requests that carried an ``Idempotency-Key``."""

from __future__ import annotations

import sqlite3

Key = tuple[str, str, str]  # (Idempotency-Key, method, path)
Row = tuple[
    Key, int, str, bytes, bool, float
]  # key, status, content type, body, chat stream, stored at


def load(conn: sqlite3.Connection, since: float, limit: int) -> list[Row]:
    """The newest ``limit`` entries stored after ``since`` (epoch seconds), oldest first.

    Entries older than ``since`` are deleted.
    """
    conn.execute("DELETE FROM idempotency WHERE stored_at <= ?", (since,))
    rows = conn.execute(
        "SELECT key, method, path, status, content_type, body, chat_stream, stored_at"
        " FROM idempotency ORDER BY stored_at DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [((r[0], r[1], r[2]), r[3], r[4], bytes(r[5]), bool(r[6]), r[7]) for r in reversed(rows)]


def save(conn: sqlite3.Connection, row: Row) -> None:
    key, status, content_type, body, chat_stream, stored_at = row
    conn.execute(
        "INSERT OR REPLACE INTO idempotency"
        " (key, method, path, status, content_type, body, chat_stream, stored_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (*key, status, content_type, body, chat_stream, stored_at),
    )
