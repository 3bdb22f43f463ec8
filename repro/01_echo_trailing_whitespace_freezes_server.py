"""A chat whose echo reply ends in whitespace (a stop sequence cuts it there) makes the
echo model's word regex (\\s*\\S+) run in quadratic time on the event loop: one 100 KB
request (far under the 4 MiB body limit) freezes the whole server for minutes; every
other client's requests hang.

README "Bounded input ... no single request can make the server work for long"
(limits.py docstring) / brief: nothing unbounded in time.
Expected: the other client's GET answers within a second or two.
"""

import asyncio
import sys
import time

import aiohttp

from _serve import serve

SPACES = 100_000  # ~100 KB body; 4 MiB gives hours


async def main(base: str) -> int:
    async with aiohttp.ClientSession() as s:
        async with s.post(base + "/agents", json={"name": "a"}) as r:
            agent = (await r.json())["id"]
        async with s.post(base + "/sessions", json={"agent_id": agent}) as r:
            session = (await r.json())["id"]
        body = {
            "messages": [{"role": "user", "content": " " * SPACES + "Z"}],
            "stop": ["Z"],
            "recall": False,
            "remember": False,
        }
        chat = asyncio.create_task(s.post(base + f"/sessions/{session}/chat", json=body))
        await asyncio.sleep(0.5)
        start = time.monotonic()
        try:
            async with s.get(base + "/agents", timeout=aiohttp.ClientTimeout(total=10)) as r:
                await r.read()
            took = time.monotonic() - start
            print(f"another client's GET /agents took {took:.2f} s")
            bad = took > 2
        except asyncio.TimeoutError:
            print("another client's GET /agents got no answer within 10 s: the server is frozen")
            bad = True
        chat.cancel()
        return 1 if bad else 0


with serve() as (port, _):
    raise SystemExit(asyncio.run(main(f"http://127.0.0.1:{port}/api")))
