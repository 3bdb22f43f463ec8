"""Idempotency records: what the writes of a request with an ``Idempotency-Key`` returned.

A record is written in the transaction of the write it protects, so a crash
keeps both or neither. ``size`` is the record's byte count, kept so the
store's total can be bounded without reading the records.
"""

from __future__ import annotations

import sqlite3

import attrs


@attrs.frozen
class Record:
    fingerprint: bytes
    results: bytes  # a JSON object: the index of each write call of the request -> its result


def find(conn: sqlite3.Connection, key: str, since: float) -> Record | None:
    """The record of ``key`` stored after ``since`` (epoch seconds), if any."""
    row = conn.execute(
        "SELECT fingerprint, results FROM idempotent_requests WHERE key = ? AND stored_at > ?",
        (key, since),
    ).fetchone()
    return None if row is None else Record(bytes(row[0]), bytes(row[1]))


def save(conn: sqlite3.Connection, key: str, record: Record, stored_at: float) -> tuple[int, int]:
    """Insert or replace the record of ``key``; how many records and bytes the store grew by."""
    old = conn.execute("SELECT size FROM idempotent_requests WHERE key = ?", (key,)).fetchone()
    size = len(key) + len(record.fingerprint) + len(record.results)
    conn.execute(
        "INSERT OR REPLACE INTO idempotent_requests (key, fingerprint, results, size, stored_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (key, record.fingerprint, record.results, size, stored_at),
    )
    if old is None:
        return 1, size
    return 0, size - int(old[0])


def totals(conn: sqlite3.Connection) -> tuple[int, int]:
    """(records, bytes) in the store."""
    row = conn.execute(
        "SELECT count(*), coalesce(sum(size), 0) FROM idempotent_requests"
    ).fetchone()
    return int(row[0]), int(row[1])


def expire(conn: sqlite3.Connection, before: float) -> None:
    conn.execute("DELETE FROM idempotent_requests WHERE stored_at <= ?", (before,))


# What a record's results become once its answers were dropped to stay within the
# byte bound: the key is still known to have run, so a repeat is refused, not rerun.
DROPPED = b"null"
# Records whose results are at most this long are never trimmed: what a create or
# update returns (ids and timestamps). 100,000 of them, keys of 255 characters
# included, stay under the 64 MiB bound, so only answers (chats) ever need trimming.
SMALL_RESULTS = 256


def drop_oldest(conn: sqlite3.Connection, records: int, size: int) -> tuple[int, int]:
    """Free ``size`` bytes and ``records`` records, oldest first; (records dropped, bytes freed).

    Bytes come first from the answers of large records (a keyed chat's whole
    reply), which are dropped while the record stays: a repeat of such a request
    is refused rather than run twice. Only if that is not enough, and for the
    count bound, do whole records go (the caller need not count the table again).
    """
    freed = 0
    if size > 0:
        freed = _trim_answers(conn, size)
        size -= freed
    rows = conn.execute("SELECT key, size FROM idempotent_requests ORDER BY stored_at, rowid")
    doomed: list[tuple[str]] = []
    for key, row_size in rows:
        if records <= 0 and size <= 0:
            break
        doomed.append((key,))
        records -= 1
        size -= row_size
        freed += row_size
    conn.executemany("DELETE FROM idempotent_requests WHERE key = ?", doomed)
    return len(doomed), freed


def _trim_answers(conn: sqlite3.Connection, size: int) -> int:
    """Drop the results of the oldest large records until ``size`` bytes are freed (or
    none is left); the bytes freed."""
    rows = conn.execute(
        "SELECT key, length(results) FROM idempotent_requests WHERE length(results) > ?"
        " ORDER BY stored_at, rowid",
        (SMALL_RESULTS,),
    )
    trimmed: list[tuple[bytes, int, str]] = []
    freed = 0
    for key, length in rows:
        if freed >= size:
            break
        trimmed.append((DROPPED, len(DROPPED) - int(length), key))
        freed += int(length) - len(DROPPED)
    conn.executemany(
        "UPDATE idempotent_requests SET results = ?, size = size + ? WHERE key = ?", trimmed
    )
    return freed
