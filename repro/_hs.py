"""Tiny raw hostile HTTP server on 127.0.0.1 for repros: a handler per connection,
every connection bounded to LIMIT seconds and LIMIT_BYTES."""
from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import threading
import time

LIMIT = 40.0
LIMIT_BYTES = 3 * 1024**3
KEY = "sk-supersecret-ABCDEFGH12345678"


def rss_mib() -> float:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    line, *rest = head.decode("latin-1").split("\r\n")
    headers = {}
    for h in rest:
        if ":" in h:
            k, _, v = h.partition(":")
            headers[k.strip().lower()] = v.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return line, headers, body


class Server:
    def __init__(self, handler):
        self.handler = handler
        self.connections = 0
        self.requests: list[tuple[str, dict[str, str], bytes]] = []
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.tasks: set = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _serve(self, reader, writer):
        n = self.connections
        self.connections += 1
        t = asyncio.current_task()
        self.tasks.add(t)
        sent = [0]
        started = time.monotonic()

        async def write(data: bytes) -> None:
            sent[0] += len(data)
            if sent[0] > LIMIT_BYTES or time.monotonic() - started > LIMIT:
                raise ConnectionError("bound reached")
            if writer.is_closing():
                raise ConnectionError("client gone")
            writer.write(data)
            await writer.drain()

        try:
            await asyncio.wait_for(self.handler(self, reader, writer, write, n), LIMIT)
        except (Exception, asyncio.CancelledError):
            pass
        finally:
            self.tasks.discard(t)
            with contextlib.suppress(Exception):
                writer.close()

    def __enter__(self):
        self.thread.start()
        self.ready.wait(10)
        return self

    def __exit__(self, *a):
        async def stop():
            self.server.close()
            for t in list(self.tasks):
                t.cancel()
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(stop(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
