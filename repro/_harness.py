"""Shared by the repro scripts: a 127.0.0.1 capture server answering every request
418 (never retried) and counting requests, and a runner calling one method on both
surfaces and returning (exception type, message, requests sent)."""
from __future__ import annotations

import asyncio
import socket
import threading

from aiohttp import web

from julep import AsyncJulepApi, JulepApi, Timeout


class Capture:
    def __init__(self, status: int = 418, body: bytes = b'{"detail":"teapot"}') -> None:
        self.count = 0
        self.bodies: list[bytes] = []
        self.status = status
        self.body = body
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api"
        self._ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._run, args=(sock,), daemon=True).start()
        self._ready.wait(10)

    def _run(self, sock: socket.socket) -> None:
        asyncio.set_event_loop(self._loop)

        async def handler(request: web.Request) -> web.Response:
            self.count += 1
            self.bodies.append(await request.read())
            return web.Response(status=self.status, body=self.body, content_type="application/json")

        async def main() -> None:
            app = web.Application(client_max_size=64 * 1024 * 1024)
            app.router.add_route("*", "/{tail:.*}", handler)
            runner = web.AppRunner(app)
            await runner.setup()
            await web.SockSite(runner, sock).start()
            self._ready.set()
            await asyncio.Event().wait()

        self._loop.run_until_complete(main())


def outcome(exc: BaseException | None) -> tuple[str, str]:
    if exc is None:
        return ("ok", "")
    return (type(exc).__name__, str(exc))


def run_both(cap: Capture, method: str, args: tuple, kwargs: dict) -> dict[str, tuple[str, str, int]]:
    res = {}
    before = cap.count
    sync = JulepApi(api_key="sk-harness-key-123", base_url=cap.base_url, timeout=Timeout(total=5, read=5), max_retries=0)
    try:
        result = getattr(sync, method)(*args, **kwargs)
        if method.startswith("iter_") or method == "chat_stream":
            for _ in result:
                pass
        r = outcome(None)
    except Exception as e:  # noqa: BLE001
        r = outcome(e)
    finally:
        sync.close()
    res["sync"] = (*r, cap.count - before)
    before = cap.count

    async def go() -> tuple[str, str]:
        async with AsyncJulepApi(api_key="sk-harness-key-123", base_url=cap.base_url, timeout=Timeout(total=5, read=5), max_retries=0) as client:
            try:
                result = getattr(client, method)(*args, **kwargs)
                if hasattr(result, "__await__"):
                    await result
                elif hasattr(result, "__aiter__"):
                    async for _ in result:
                        pass
                return outcome(None)
            except Exception as e:  # noqa: BLE001
                return outcome(e)

    r = asyncio.run(go())
    res["async"] = (*r, cap.count - before)
    return res
