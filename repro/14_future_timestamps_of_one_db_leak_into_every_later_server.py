"""One database file with timestamps ahead of the wall clock sets the clock of every
later LocalServer in the process, in-memory ones included, even after it stopped.

Opening a file database advances a process-wide clock past the newest timestamp the
file holds (so that history written there keeps its order). The clock is shared by
every server of the process, so after one test opens such a file (a fixture database
copied from a machine whose clock ran ahead, or built with far-off dates), every later
test's fresh server stamps every row that far ahead: created_at a year in the future,
order-dependent failures of ``created_at <= now`` assertions.

Expected: the in-memory server's agent is created "now".
"""

import datetime as dt
import logging
import pathlib
import sqlite3
import sys
import tempfile

from julep import JulepApi
from julep.server import LocalServer

logging.disable(logging.WARNING)
db = str(pathlib.Path(tempfile.mkdtemp()) / "fixture.db")
with LocalServer(db=db) as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    client.create_agent(name="made where the clock ran a year ahead")
with sqlite3.connect(db) as connection:
    connection.execute(
        "UPDATE agents SET created_at = '2099-01-01T00:00:00.000000+00:00',"
        " updated_at = '2099-01-01T00:00:00.000000+00:00'"
    )
connection.close()

with LocalServer(db=db):  # one test opens the fixture database
    pass

# A later test, on a fresh in-memory server of its own.
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    agent = client.get_agent(client.create_agent(name="new").id)
now = dt.datetime.now(dt.timezone.utc)
print("now:       ", now.isoformat())
print("created_at:", agent.created_at.isoformat())
sys.exit(1 if agent.created_at - now > dt.timedelta(minutes=1) else 0)
