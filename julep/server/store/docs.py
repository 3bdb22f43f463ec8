"""Docs of agents and users, and recalling the ones relevant to a message."""

from __future__ import annotations

import sqlite3

from ...models import CreateDoc, Doc
from .. import clock
from ..backends import RecalledDoc
from ..errors import RequestError, not_found
from ..params import ListQuery
from . import jobs
from ._util import bounded_page, from_json, list_tail, new_id, require, to_json

_COLUMNS = "id, title, content, metadata, created_at"


def text_of(content: str | list[str]) -> str:
    return content if isinstance(content, str) else "\n".join(content)


def _doc(row: sqlite3.Row) -> Doc:
    return Doc(
        id=row["id"],
        title=row["title"],
        content=from_json(row["content"]),
        metadata=from_json(row["metadata"]),
        created_at=clock.parse(row["created_at"]),
    )


def insert(conn: sqlite3.Connection, owner: str, owner_id: str, doc: CreateDoc) -> tuple[str, str]:
    """Store a doc of the agent or user (``owner`` is ``agent_id`` or ``user_id``) and index it."""
    doc_id, now = new_id(), clock.timestamp()
    cursor = conn.execute(
        f"INSERT INTO docs (id, {owner}, title, content, metadata, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (doc_id, owner_id, doc.title, to_json(doc.content), to_json(doc.metadata or {}), now),
    )
    conn.execute(
        "INSERT INTO docs_fts (rowid, body) VALUES (?, ?)",
        (cursor.lastrowid, f"{doc.title}\n{text_of(doc.content)}"),
    )
    return doc_id, now


EMBED_JOB = "embed_docs"


def create(
    conn: sqlite3.Connection, owner: str, owner_id: str, doc: CreateDoc
) -> tuple[str, str, list[str]]:
    """Store the doc; (id, created_at, [the id of its embedding job])."""
    require(conn, owner, owner_id)
    doc_id, now = insert(conn, owner, owner_id, doc)
    return doc_id, now, [jobs.insert_done(conn, EMBED_JOB)]


def list_(conn: sqlite3.Connection, owner: str, owner_id: str, query: ListQuery) -> list[Doc]:
    """The docs stored under ``owner_id``, whether or not that agent or user exists.

    As on the 0.3 server (list_docs had no owner check): docs survive their
    owner's delete, and this is the one way to read them; an unknown id lists none.
    """
    # Docs never change, so "updated_at" orders as "created_at".
    tail, params = list_tail(query, sort_column="created_at")
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM docs WHERE {owner} = ?{tail}",
        [owner_id, *params],
    )
    return [_doc(row) for row in bounded_page(rows, query.limit)]


def delete(conn: sqlite3.Connection, owner: str, owner_id: str, doc_id: str) -> str:
    """Delete a doc of the owner in the path; the owner itself need not exist.

    404 ``Docs not found`` when no agent's (or no user's) doc has that id, and
    404 ``Doc <id> not found for agent <id>`` when another one owns it.
    """
    row = conn.execute(
        f"SELECT {owner} FROM docs WHERE id = ? AND {owner} IS NOT NULL", (doc_id,)
    ).fetchone()
    if row is None:
        raise not_found("Docs")
    if row[0] != owner_id:
        kind = owner.removesuffix("_id")
        raise RequestError(404, f"Doc {doc_id} not found for {kind} {owner_id}")
    conn.execute("DELETE FROM docs WHERE id = ?", (doc_id,))
    return clock.timestamp()


def recall(
    conn: sqlite3.Connection, owner: str, owner_id: str, match: str, limit: int
) -> list[RecalledDoc]:
    """The owner's docs that best match the FTS expression ``match``, best first (BM25)."""
    rows = conn.execute(
        f"SELECT d.id, d.title, d.content FROM docs_fts JOIN docs d ON d.rid = docs_fts.rowid"
        f" WHERE docs_fts MATCH ? AND d.{owner} = ? ORDER BY bm25(docs_fts) LIMIT ?",
        (match, owner_id, limit),
    )
    kind = owner.removesuffix("_id")
    return [
        RecalledDoc(id=row[0], owner=kind, title=row[1], text=text_of(from_json(row[2])))
        for row in rows
    ]
