"""A tiny real HTTP server on 127.0.0.1, in its own thread, for lifecycle tests."""

from __future__ import annotations

import asyncio
import threading
import typing

import orjson
from aiohttp import web

from .wire.samples import AGENT, CREATED


class LoopbackServer:
    """GET /api/agents/{id} (the id "slow" waits until the client goes away), POST
    /api/users, and a streamed chat that stalls after its first chunk. Each
    request's raw headers are kept in ``last_raw_headers``."""

    def __init__(self) -> None:
        self.disconnected = threading.Event()
        self.requests = 0
        self.last_raw_headers: tuple[tuple[bytes, bytes], ...] = ()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="loopback-server", daemon=True)
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the loopback server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_get("/api/agents/{agent_id}", self._get_agent)
        app.router.add_post("/api/users", self._create_user)
        app.router.add_post("/api/sessions/{session_id}/chat", self._stalling_stream)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = typing.cast(typing.Any, site._server)
        self.port = server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _stalling_stream(self, request: web.Request) -> web.StreamResponse:
        """One chunk of a streamed reply, keep-alive comments, then silence."""
        self.requests += 1
        self.last_raw_headers = request.raw_headers
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        chunk = {"id": "c1", "delta": {"role": "assistant", "content": "Hel"}}
        await response.write(b"data: " + orjson.dumps(chunk) + b"\n\n")
        for _ in range(600):  # bounded, as in _get_agent
            transport = request.transport
            if transport is None or transport.is_closing():
                self.disconnected.set()
                break
            await response.write(b": ping\n\n")
            await asyncio.sleep(0.05)
        return response

    async def _create_user(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.last_raw_headers = request.raw_headers
        await request.read()
        return web.Response(body=orjson.dumps(CREATED), content_type="application/json")

    async def _get_agent(self, request: web.Request) -> web.Response:
        self.requests += 1
        self.last_raw_headers = request.raw_headers
        if request.match_info["agent_id"] == "slow":
            # Bounded: a test that forgets to interrupt fails instead of hanging.
            for _ in range(600):
                transport = request.transport
                if transport is None or transport.is_closing():
                    self.disconnected.set()
                    break
                await asyncio.sleep(0.05)
        body = {**AGENT, "id": request.match_info["agent_id"]}
        return web.Response(body=orjson.dumps(body), content_type="application/json")
