"""A stranger's pass over misbehaving servers: each test is a defect found by one.

The server here is scripted per test: a coroutine gets each connection's
reader and writer, so a test can say exactly which bytes go out, and when.
"""

from __future__ import annotations

import asyncio
import threading
import typing

import orjson
import pytest

import julep

Handler = typing.Callable[[asyncio.StreamReader, asyncio.StreamWriter], typing.Awaitable[None]]
AGENT_ID = "00000000-0000-0000-0000-000000000001"


def agent_response(name: str) -> bytes:
    body = orjson.dumps(
        {"id": AGENT_ID, "name": name, "model": "m", "created_at": "2024-01-01T00:00:00Z"}
    )
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


class ScriptedServer:
    """127.0.0.1, its own loop in a thread; every connection runs ``handler``."""

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self.connections = 0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        assert self._ready.wait(10)
        return self

    def __exit__(self, *exc: object) -> None:
        async def stop() -> None:
            assert self._server is not None
            self._server.close()

        asyncio.run_coroutine_threadsafe(stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            await asyncio.wait_for(self._handler(reader, writer), 30)
        except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def read_head(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    return head


# --- a pooled connection that received bytes while idle --------------------------


@pytest.mark.parametrize(
    "unsolicited",
    [agent_response("SMUGGLED"), agent_response("SMUGGLED") + b"HTTP/1.1 200 OK\r\nX-Half: "],
    ids=["whole-response", "response-and-half"],
)
def test_bytes_sent_on_an_idle_connection_never_answer_the_next_request(
    unsolicited: bytes,
) -> None:
    answered: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_head(reader)
            if answered:
                writer.write(agent_response("real"))
                await writer.drain()
                continue
            answered.append(1)
            writer.write(agent_response("first"))
            await writer.drain()
            await asyncio.sleep(0.1)
            writer.write(unsolicited)  # the connection is idle in the client's pool now
            await writer.drain()

    async def main(base_url: str) -> list[str]:
        async with julep.AsyncJulepApi(api_key="k", base_url=base_url) as client:
            names = [(await client.get_agent(AGENT_ID)).name]
            await asyncio.sleep(0.4)
            names.append((await client.get_agent(AGENT_ID)).name)
            return names

    with ScriptedServer(handler) as server:
        assert asyncio.run(main(server.base_url)) == ["first", "real"]
        assert server.connections == 2
