"""An ``astart()`` cancelled while the database opens leaves that file locked by the
process for good: every later LocalServer on it is refused with DatabaseInUse
"another julep server (pid <this very process>)".

The open runs on the database's thread; cancelling the await (asyncio.wait_for's
timeout, an anyio fail_after around a fixture, Ctrl+C in asyncio.run) does not stop
it. The cleanup then closes the database only if its connection is already set, which
it is not yet: the open completes afterwards, holding the connection and the lock.
The database open is slowed to 0.3 s here (a slow disk) to land the cancellation in it.

Expected: after the cancelled start, a server on the same file starts.
"""

import asyncio
import logging
import pathlib
import sys
import tempfile
import time

from julep.server import LocalServer, db

logging.disable(logging.WARNING)
opened = db.Database._open


def slow_open(self: db.Database) -> None:
    time.sleep(0.3)  # a slow disk
    opened(self)


db.Database._open = slow_open  # type: ignore[method-assign]
path = str(pathlib.Path(tempfile.mkdtemp()) / "julep.db")


async def main() -> bool:
    try:
        await asyncio.wait_for(LocalServer(db=path).astart(), timeout=0.1)
    except asyncio.TimeoutError:
        print("astart() timed out and was cancelled")
    db.Database._open = opened  # type: ignore[method-assign]
    try:
        async with LocalServer(db=path):
            print("a new server on the file: started")
            return True
    except db.DatabaseInUse as error:
        print("a new server on the file:", error)
        return False


sys.exit(0 if asyncio.run(main()) else 1)
