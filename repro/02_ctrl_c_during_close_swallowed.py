"""Ctrl+C (SIGINT) that lands while JulepApi.close() runs is swallowed: close()
waits for its clean-up under contextlib.suppress(BaseException), so the
KeyboardInterrupt vanishes and the program carries on as if no key was pressed.

Expected: close() finishes closing, then raises KeyboardInterrupt.
Here close() is made slow (0.6 s of clean-up, as a call in flight or a slow
socket close can make it), and SIGINT is sent 0.2 s into it. Exits 1 when the
interrupt is lost."""

import asyncio
import os
import signal
import sys
import threading

from julep import JulepApi
from julep.server import LocalServer

signal.signal(signal.SIGINT, signal.default_int_handler)

with LocalServer() as server:
    client = JulepApi(api_key="k", base_url=server.base_url)
    client.list_agents()
    original_close = client._async.close

    async def slow_close() -> None:
        await asyncio.sleep(0.6)
        await original_close()

    client._async.close = slow_close
    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        client.close()
    except KeyboardInterrupt:
        print("KeyboardInterrupt raised by close(): ok")
        sys.exit(0)
print("Ctrl+C during close() was swallowed")
sys.exit(1)
