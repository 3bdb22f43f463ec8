"""Background jobs' status records."""

from __future__ import annotations

import sqlite3

from ...models import JobStatus
from ...models.enums import JobStatusState
from .. import clock
from ..errors import not_found
from ._util import new_id


def insert(conn: sqlite3.Connection, job_id: str, name: str) -> None:
    now = clock.timestamp()
    conn.execute(
        "INSERT INTO jobs (id, name, state, reason, created_at, updated_at)"
        " VALUES (?, ?, 'pending', NULL, ?, ?)",
        (job_id, name, now, now),
    )


def insert_done(conn: sqlite3.Connection, name: str) -> str:
    """A job finished as it is created, for work the server did within the request.

    The 0.3 API answered a doc's creation with the id of its embedding job, which
    clients polled before searching; docs are indexed in the request here, so
    their job has already succeeded.
    """
    job_id = new_id()
    insert(conn, job_id, name)
    finish(conn, job_id, "succeeded", None)
    return job_id


def finish(conn: sqlite3.Connection, job_id: str, state: str, reason: str | None) -> None:
    conn.execute(
        "UPDATE jobs SET state = ?, reason = ?, updated_at = ? WHERE id = ?",
        (state, reason, clock.timestamp(), job_id),
    )


def get(conn: sqlite3.Connection, job_id: str) -> JobStatus:
    row = conn.execute(
        "SELECT id, name, state, reason, created_at, updated_at FROM jobs WHERE id = ?", (job_id,)
    ).fetchone()
    if row is None:
        raise not_found("Job")
    state = JobStatusState(row["state"])
    return JobStatus(
        id=row["id"],
        name=row["name"],
        created_at=clock.parse(row["created_at"]),
        state=state,
        reason=row["reason"],
        updated_at=clock.parse(row["updated_at"]),
        has_progress=False,
        progress=100.0 if state is JobStatusState.SUCCEEDED else 0.0,
    )
