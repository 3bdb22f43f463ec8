"""AsyncJulepApi(session=s) after the application closed s: each call is retried twice
with backoff (about 1.3 s wasted) and ends in a plain APIConnectionError
("RuntimeError: Session is closed").

Expected (errors.ClientClosedError: "The client was closed: before this call, or while
it was in flight ... never retried"): ClientClosedError at once. Observed: retried, then
APIConnectionError with retries_taken=2.
"""

import asyncio
import sys
import time

import aiohttp

import julep


async def main() -> int:
    session = aiohttp.ClientSession()
    await session.close()
    async with julep.AsyncJulepApi(api_key="k", base_url="http://127.0.0.1:9/api", session=session) as client:
        started = time.monotonic()
        try:
            await client.list_agents()
        except julep.APIError as exc:
            print(f"{type(exc).__name__} after {time.monotonic() - started:.2f}s, "
                  f"retries_taken={exc.retries_taken}: {exc}")
            return 0 if isinstance(exc, julep.ClientClosedError) and exc.retries_taken == 0 else 1
    return 1


sys.exit(asyncio.run(main()))
