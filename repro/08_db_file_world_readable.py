"""`serve --db FILE` creates the SQLite file and its -wal/-shm with the process umask
(0644 under the usual 022): every local user can read all agents, chats, memories and
idempotency records, bypassing the API key the README takes care to keep out of `ps`.
Expected: 0600 (as for a file holding secrets). Exits 1 if group/other can read.
"""
import os
import stat
import tempfile

from _server import request, serve

with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "julep.db")
    with serve("--db", db, env={"JULEP_SERVER_API_KEY": "secret"}) as (port, _):
        request(port, "POST", "/api/agents", {"name": "private"}, headers={"Authorization": "secret"})
        modes = {name: stat.S_IMODE(os.stat(os.path.join(tmp, name)).st_mode)
                 for name in os.listdir(tmp)}
    for name, mode in sorted(modes.items()):
        print(f"{name}: {oct(mode)}")
    raise SystemExit(1 if any(mode & 0o044 for mode in modes.values()) else 0)
