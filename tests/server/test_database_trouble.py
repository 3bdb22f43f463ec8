"""A database that cannot take a write (full disk, locked by another program) answers
507 / 503 naming the cause, not a bare 500, and the server recovers by itself."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import aiohttp
import pytest

from julep.server import LocalServer
from julep.server.state import STATE

pytestmark = pytest.mark.anyio


async def _pragma(server: LocalServer, pragma: str) -> object:
    def run(conn: sqlite3.Connection) -> object:
        return conn.execute(f"PRAGMA {pragma}").fetchone()[0]

    assert server._runner is not None
    return await server._runner.app[STATE].db.run(run)


async def test_a_full_disk_is_a_507_and_passes(tmp_path: Path) -> None:
    """With no room left (the file may not grow: max_page_count) a write is a 507; once
    there is room, the same keyed request runs, as nothing was written the first time."""
    db = str(tmp_path / "julep.db")
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as http:
        pages = await _pragma(server, "page_count")
        await _pragma(server, f"max_page_count = {pages}")
        body = {"name": "u", "metadata": {"x": "y" * 50_000}}
        headers = {"Idempotency-Key": "when-full"}
        async with http.post(server.base_url + "/users", json=body, headers=headers) as full:
            assert full.status == 507
            assert await full.json() == {
                "detail": "the disk holding the database is full; nothing was written"
            }
        async with http.get(server.base_url + "/users") as read:
            assert read.status == 200  # reads go on
        await _pragma(server, "max_page_count = 1073741823")
        async with http.post(server.base_url + "/users", json=body, headers=headers) as again:
            assert again.status == 201
            assert "Idempotent-Replayed" not in again.headers
        assert server.count("users") == 1


async def test_a_database_locked_by_another_program_is_a_503(tmp_path: Path) -> None:
    """Another program holding the write lock past the busy timeout is a 503 with
    Retry-After, not a 500; once it lets go, writes go through."""
    db = tmp_path / "julep.db"
    async with LocalServer(db=str(db)) as server, aiohttp.ClientSession() as http:
        await _pragma(server, "busy_timeout = 50")
        with contextlib.closing(sqlite3.connect(db, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            async with http.post(server.base_url + "/agents", json={"name": "a"}) as locked:
                assert locked.status == 503
                assert locked.headers["Retry-After"] == "1"
                assert "locked by another program" in (await locked.json())["detail"]
            other.execute("ROLLBACK")
        async with http.post(server.base_url + "/agents", json={"name": "a"}) as written:
            assert written.status == 201
