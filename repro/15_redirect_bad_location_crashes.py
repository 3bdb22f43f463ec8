"""A 3xx whose Location is not a parseable URL crashes the error path with ValueError.

redirect_hint() (36b4a24) runs urllib.parse.urljoin on the server's Location
header; 'http://[::1' (a bracket left open, as a broken proxy or a
misconfigured gateway may send) makes urljoin raise ValueError('Invalid IPv6
URL'), so the call raises a bare ValueError from inside the SDK instead of the
APIStatusError (a julep.JulepError) for the 3xx. Before 36b4a24 it was a
julep error with status_code 301.
"""
import asyncio
import sys
import threading
import time

from aiohttp import web

import julep
from julep.client import JulepApi


async def serve(ready, stop):
    async def handler(request):
        return web.Response(status=301, headers={"Location": "http://[::1"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    ready.append(runner.addresses[0][1])
    await stop.wait()
    await runner.cleanup()


def main() -> int:
    ready: list[int] = []
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    thread = threading.Thread(
        target=lambda: loop.run_until_complete(serve(ready, stop)), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 10
    while not ready and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        with JulepApi(base_url=f"http://127.0.0.1:{ready[0]}/api", api_key="k" * 12,
                      max_retries=0, trust_env=False) as client:
            try:
                client.list_agents()
            except Exception as exc:
                print(type(exc).__name__, exc)
                return 0 if isinstance(exc, julep.JulepError) else 1
        return 1
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(5)


sys.exit(main())
