"""A child forked inside a running asyncio loop breaks its parent's AsyncJulepApi, without using it.

The child never touches the client: it just lets its copy of asyncio.run()
finish. asyncio.run cancels the tasks still pending, among them the parent's
copy of the transport's closer task (_close_with_loop in julep/_transport.py),
which then closes the parent's aiohttp session *in the child*: its pooled
sockets are taken out of the epoll set the child shares with the parent. The
parent's next call on its kept-alive connection never sees its answer and
fails with APITimeoutError after the whole timeout (300 s by default; 5 s here).

julep already sets the parent's sessions aside in a forked child
(_forget_sessions_after_fork: "a child that never used its copy of a client
and exited normally ... the parent's next request on one waited for its answer
until its timeout"); the closer task escapes that.
"""

import asyncio
import os
import sys
import time

import julep
from julep import AsyncJulepApi
from julep.server import LocalServer


async def main(base_url: str) -> str:
    async with AsyncJulepApi(base_url=base_url, api_key="any-key-123", timeout=5) as client:
        await client.list_agents()
        pid = os.fork()
        if pid == 0:
            os.close(1)  # the child says nothing, and leaves asyncio.run normally
            return "child"
        os.waitpid(pid, 0)
        started = time.monotonic()
        try:
            await client.list_agents()
        except julep.APITimeoutError:
            print(f"parent: list_agents() timed out after {time.monotonic() - started:.1f}s")
            return "broken"
        print("parent: list_agents() ok")
        return "ok"


if __name__ == "__main__":
    server = LocalServer().start()
    outcome = asyncio.run(main(server.base_url))
    if outcome == "child":
        os._exit(0)  # the server thread is the parent's
    server.stop()
    sys.exit(1 if outcome == "broken" else 0)
