"""Background jobs' status records."""

from __future__ import annotations

import sqlite3

from ...models import JobStatus
from ...models.enums import JobStatusState
from .. import clock
from ..errors import not_found


def insert(conn: sqlite3.Connection, job_id: str, name: str) -> None:
    now = clock.timestamp()
    conn.execute(
        "INSERT INTO jobs (id, name, state, reason, created_at, updated_at)"
        " VALUES (?, ?, 'pending', NULL, ?, ?)",
        (job_id, name, now, now),
    )


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
