"""An ``astop()`` cut short (a timeout around it while a request finishes) leaves the
database open and its file locked for the life of the process; the server also still
says it runs (repr) while a second astop() does nothing.

Expected: once the request has ended, a new server on the same file starts.
"""

import asyncio
import logging
import pathlib
import sys
import tempfile

from julep import AsyncJulepApi
from julep.server import LocalServer, db

logging.disable(logging.WARNING)
path = str(pathlib.Path(tempfile.mkdtemp()) / "julep.db")


async def main() -> bool:
    server = await LocalServer(db=path, faults="delay=1:1s").astart()
    async with AsyncJulepApi(api_key="any", base_url=server.base_url, max_retries=0) as client:
        request = asyncio.ensure_future(client.list_agents())  # answered after 1 s
        await asyncio.sleep(0.2)
        try:
            await asyncio.wait_for(server.astop(), 0.2)  # a bounded shutdown
        except asyncio.TimeoutError:
            print("astop() timed out:", repr(server))
        await asyncio.gather(request, return_exceptions=True)
    await asyncio.sleep(1.5)
    try:
        async with LocalServer(db=path):
            print("a new server on the file: started")
            return True
    except db.DatabaseInUse as error:
        print("a new server on the file:", error)
        return False


sys.exit(0 if asyncio.run(main()) else 1)
