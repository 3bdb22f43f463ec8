"""An AsyncJulepApi forked while the parent's event loop is still open cannot
be used in the child at all, not even closed: "this AsyncJulepApi is in use on
another event loop" / "close the client on the event loop that used it". That
loop does not run in the child; JulepApi handles fork (README), the async
client did not.

Expected: the child uses the client on a loop of its own (new connections;
the parent's sockets left alone) and can close it. Exits 1 on the error."""

import asyncio
import os
import sys

from julep import AsyncJulepApi
from julep.server import LocalServer

with LocalServer() as server:
    client = AsyncJulepApi(api_key="k", base_url=server.base_url)
    loop = asyncio.new_event_loop()  # a long-lived loop, still open at the fork
    loop.run_until_complete(client.list_agents())
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            print("child:", len(asyncio.run(client.list_agents()).items), "agents")
            asyncio.run(client.close())
            print("child closed its client")
        except Exception as exc:
            print("child:", type(exc).__name__, exc)
            code = 1
        sys.stdout.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print("parent still works:", len(loop.run_until_complete(client.list_agents()).items), "agents")
    loop.run_until_complete(client.close())
    loop.close()
sys.exit(os.waitstatus_to_exitcode(status))
