"""A full disk (simulated safely: SQLite's max_page_count on the server's own
connection) answered every write with a bare 500 "Internal Server Error" and a
traceback per request; a database file locked by another program did the same
after the 5 s busy timeout.

Expected: an answer naming the cause (README: errors are JSON {"detail": ...}
that say what was wrong), with a status that says "try again later" rather
than "the server has a bug": 507 for a full disk, 503 + Retry-After when
another program holds the lock. Happens (before 4th commit): 500, detail
"Internal Server Error".
"""

import os
import sqlite3
import sys
import tempfile

import aiohttp
import anyio

from julep.server import LocalServer
from julep.server.state import STATE


async def main() -> int:
    db = os.path.join(tempfile.mkdtemp(), "julep.db")
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as http:
        assert server._runner is not None
        database = server._runner.app[STATE].db

        def no_room(conn: sqlite3.Connection) -> None:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {pages}").fetchone()

        await database.run(no_room)
        body = {"name": "u", "metadata": {"x": "y" * 50_000}}
        async with http.post(server.base_url + "/users", json=body) as reply:
            detail = await reply.text()
            print("disk full:", reply.status, detail)
            return 0 if reply.status == 507 else 1


sys.exit(anyio.run(main))
