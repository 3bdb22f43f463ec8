"""History is ordered by created_at, and created_at is the wall clock of the
process that wrote it ("never goes backwards" holds only within one process).

A database written while the clock was ahead (a VM restored from a snapshot, a
laptop whose clock NTP later stepped back, a file copied from a machine with a
skewed clock) then gets new messages that sort BEFORE the old ones:
get_history (oldest first, per the contract) shows the newest exchange at the
top, and a chat's context (the latest 50 messages by created_at) never shows
the model the turns written after the restart.

Simulated safely: the first run's timestamps are moved one day ahead in the
file (as if its clock had been a day fast), then the server restarts on it.
Expected: the new exchange comes last in history. Happens: it comes first.
"""

import datetime as dt
import os
import sqlite3
import sys
import tempfile

from julep import JulepApi
from julep.server import LocalServer

db = os.path.join(tempfile.mkdtemp(), "julep.db")
with LocalServer(db=db) as server, JulepApi(api_key="k", base_url=server.base_url) as api:
    agent = api.create_agent(name="a")
    session = api.create_session(agent_id=agent.id)
    api.chat(session.id, messages=[{"role": "user", "content": "first"}])

ahead = dt.timedelta(days=1)
with sqlite3.connect(db) as conn:
    for row_id, created in conn.execute("SELECT rid, created_at FROM messages").fetchall():
        later = (dt.datetime.fromisoformat(created) + ahead).isoformat(timespec="microseconds")
        conn.execute("UPDATE messages SET created_at = ? WHERE rid = ?", (later, row_id))
conn.close()

with LocalServer(db=db) as server, JulepApi(api_key="k", base_url=server.base_url) as api:
    reply = api.chat(session.id, messages=[{"role": "user", "content": "second"}])
    print("reply:", reply.response[0][0].content)
    history = [m.content for m in api.get_history(session.id).items]
    print("history, oldest first:", history)
    sys.exit(0 if history[-2] == "second" else 1)
