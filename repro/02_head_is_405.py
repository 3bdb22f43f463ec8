"""HEAD on every GET route of the local server is a 405 (Allow: GET,POST).

Expected: RFC 9110 section 9.1, "All general-purpose servers MUST support the
methods GET and HEAD"; the 0.3 server the README says it copies (FastAPI /
Starlette) answered HEAD wherever it answered GET, so an existence check or a
monitor doing HEAD /api/agents/{id} got 200/404 there.
Happens: 405 for HEAD /api/agents, /api/agents/{id}, /api/openapi.json.
"""

import sys

import aiohttp
import anyio

from julep.server import LocalServer


async def main() -> int:
    bad = 0
    async with LocalServer() as server, aiohttp.ClientSession() as http:
        async with http.post(server.base_url + "/agents", json={"name": "a"}) as created:
            agent_id = (await created.json())["id"]
        for path in ("/agents", f"/agents/{agent_id}", "/openapi.json"):
            async with http.head(server.base_url + path) as reply:
                print("HEAD", path, reply.status, reply.headers.get("Allow"))
                bad += reply.status != 200
    return 1 if bad else 0


sys.exit(anyio.run(main))
