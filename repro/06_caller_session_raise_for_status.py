"""AsyncJulepApi(session=...) with an application's aiohttp session made with
raise_for_status=True turns every non-2xx into an untyped, retried "connection error":
a 404 is APIConnectionError (no status_code, not NotFoundError), retried twice with
backoff. With auto_decompress=False, a gzip answer is read as JSON and fails.

Expected (README "Errors": APIStatusError "a non-2xx status", NotFoundError 404; "Connection
errors, timeouts, 408, 409, 429 and 5xx are retried"): NotFoundError at once, and a
gzip answer decoded. Observed: APIConnectionError after 2 retries; ResponseValidationError.
"""

import asyncio
import gzip
import os
import sys

import aiohttp

sys.path.insert(0, os.path.dirname(__file__))
import julep
from _hostile import Server

AGENT = b'{"id": "a1", "name": "zipped", "model": "m", "created_at": "2024-01-01T00:00:00Z"}'


async def answer(reader, writer, request):
    if b"/missing" in request.split(b"\r\n")[0]:
        body = b'{"detail": "Agent not found"}'
        writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n")
    else:
        body = gzip.compress(AGENT)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n")
    writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    await writer.drain()


async def main(url: str) -> int:
    bad = 0
    for options in ({"raise_for_status": True}, {"auto_decompress": False}):
        async with aiohttp.ClientSession(**options) as session:
            async with julep.AsyncJulepApi(api_key="k", base_url=url, session=session) as client:
                for agent_id in ("missing", "a1"):
                    try:
                        result = await client.get_agent(agent_id)
                        print(options, agent_id, "->", result.name)
                    except julep.APIError as exc:
                        expected = agent_id == "missing" and isinstance(exc, julep.NotFoundError)
                        bad += not expected
                        print(options, agent_id, "->", type(exc).__name__,
                              f"retries={exc.retries_taken}", str(exc)[:90])
    return 1 if bad else 0


with Server(answer) as server:
    sys.exit(asyncio.run(main(server.base_url)))
