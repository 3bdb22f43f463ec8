"""An astop() cut short (a timeout around it while a request finishes), then the event
loop ends (asyncio.run returning; pytest-asyncio's loop per test): the database stays
open and its file locked for the life of the process. 568c7bd shields the stopping, but
asyncio.run cancels every leftover task at its end, the memory jobs' worker included,
and the cleanup generator's `await state.jobs.aclose()` then raised CancelledError before
`await state.db.close()`. Every later server on the file: DatabaseInUse naming this pid.
Same when a script's loop ends with its server never stopped."""
import asyncio, logging, os, sys, tempfile, time

import aiohttp

from julep.server.db import DatabaseInUse
from julep.server.local import LocalServer

logging.disable(logging.CRITICAL)
db = os.path.join(tempfile.mkdtemp(), "x.db")


async def first_test() -> None:
    srv = LocalServer(db=db, faults="delay=1:1s", faults_seed=1)  # every request waits 1 s
    await srv.astart()
    async with aiohttp.ClientSession() as session:
        request = asyncio.ensure_future(session.get(srv.base_url + "/agents"))
        await asyncio.sleep(0.3)
        try:
            await asyncio.wait_for(srv.astop(), 0.2)  # the request is still running
        except asyncio.TimeoutError:
            pass
        request.cancel()


async def second_test() -> None:
    srv = LocalServer(db=db)
    await srv.astart()
    await srv.astop()


asyncio.run(first_test())
time.sleep(2)
try:
    asyncio.run(second_test())
except DatabaseInUse as exc:
    print("BUG: a later server on the same file:", exc)
    sys.exit(1)
print("ok: the file was let go")
