"""Memories: formed from conversations by background jobs, searched by text."""

from __future__ import annotations

import sqlite3
import typing

import attrs

from ...models import Memory
from .. import clock, textmatch
from ..errors import not_found
from ..params import Page
from . import jobs
from ._util import bounded_page, from_json, new_id, require, to_json

_COLUMNS = "m.id, m.agent_id, m.user_id, m.content, m.entities, m.timestamp, m.created_at"


@attrs.frozen(kw_only=True)
class MemoryJob:
    """What one chat asked to remember: the texts the user sent."""

    id: str
    agent_id: str
    user_id: str | None
    texts: tuple[str, ...]
    said_at: str  # when the user said it


def form(conn: sqlite3.Connection, batch: typing.Sequence[MemoryJob]) -> None:
    """Run memory jobs: one memory per non-empty user text, then mark each job done.

    Memories are about a user, so a session without a user remembers nothing
    (the job still succeeds, and its ``reason`` says why).
    """
    for job in batch:
        if job.user_id is None:
            jobs.finish(conn, job.id, "succeeded", "the session has no user; nothing to remember")
            continue
        owners = conn.execute(
            "SELECT (SELECT 1 FROM agents WHERE id = ?), (SELECT 1 FROM users WHERE id = ?)",
            (job.agent_id, job.user_id),
        ).fetchone()
        if None in tuple(owners):
            jobs.finish(conn, job.id, "aborted", "the agent or the user was deleted")
            continue
        for text in job.texts:
            if text.strip():
                _insert(conn, job, text)
        jobs.finish(conn, job.id, "succeeded", None)


def _insert(conn: sqlite3.Connection, job: MemoryJob, text: str) -> None:
    cursor = conn.execute(
        "INSERT INTO memories (id, agent_id, user_id, content, entities, timestamp, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            new_id(),
            job.agent_id,
            job.user_id,
            text,
            to_json(textmatch.entities(text)),
            job.said_at,
            clock.timestamp(),
        ),
    )
    conn.execute("INSERT INTO memories_fts (rowid, body) VALUES (?, ?)", (cursor.lastrowid, text))


def _memory(row: sqlite3.Row) -> Memory:
    return Memory(
        id=row["id"],
        agent_id=row["agent_id"],
        user_id=row["user_id"],
        content=row["content"],
        entities=from_json(row["entities"]),
        timestamp=clock.parse(row["timestamp"]),
        created_at=clock.parse(row["created_at"]),
    )


def search(
    conn: sqlite3.Connection, agent_id: str, query: str, user_id: str | None, page: Page
) -> list[Memory]:
    """The agent's memories best matching ``query`` first (BM25).

    A query without searchable words (empty, or only common words) lists the
    memories newest first instead.
    """
    require(conn, "agent_id", agent_id)
    where, params = "m.agent_id = ?", [agent_id]
    if user_id is not None:
        where += " AND m.user_id = ?"
        params.append(user_id)
    match = textmatch.fts_query(query)
    if match is None:
        sql = (
            f"SELECT {_COLUMNS} FROM memories m WHERE {where}"
            " ORDER BY m.created_at DESC, m.rid DESC"
        )
    else:
        sql = (
            f"SELECT {_COLUMNS} FROM memories_fts JOIN memories m ON m.rid = memories_fts.rowid"
            f" WHERE memories_fts MATCH ? AND {where} ORDER BY bm25(memories_fts), m.rid DESC"
        )
        params.insert(0, match)
    rows = conn.execute(f"{sql} LIMIT ? OFFSET ?", [*params, page.limit, page.offset])
    return [_memory(row) for row in bounded_page(rows, page.limit)]


def delete(conn: sqlite3.Connection, agent_id: str, memory_id: str) -> str:
    """Delete the agent's memory (404 unless that agent has it); the agent need not exist."""
    cursor = conn.execute(
        "DELETE FROM memories WHERE id = ? AND agent_id = ?", (memory_id, agent_id)
    )
    if cursor.rowcount == 0:
        raise not_found("Memory")
    return clock.timestamp()
