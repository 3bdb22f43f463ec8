"""Streamed answers (server-sent events) are bounded by the idle timeout like JSON ones."""

from __future__ import annotations

import asyncio
import socket

import aiohttp
import orjson
import pytest

from julep.server import LocalServer

pytestmark = pytest.mark.anyio

_BIG = "x" * 3_000_000  # one 3 MB word: the reply says it back
# For a client that never reads: more than every buffer between the server and
# it can hold (a loopback socket's send buffer grows to net.ipv4.tcp_wmem's
# maximum, 4 MiB on many machines; 3 MB then fits, and the server rightly
# finishes the stream without ever waiting on the client).
_HUGE = "x" * 12_000_000
_HUGE_LIMIT = 16 * 1024 * 1024


async def _session(server: LocalServer) -> str:
    async with aiohttp.ClientSession() as http:
        async with http.post(server.base_url + "/agents", json={"name": "a"}) as reply:
            agent = (await reply.json())["id"]
        async with http.post(server.base_url + "/sessions", json={"agent_id": agent}) as reply:
            return str((await reply.json())["id"])


def _streams(session_id: str, word: str = _BIG) -> dict[str, tuple[str, dict[str, object]]]:
    message = {"role": "user", "content": word}
    return {
        "chat": (
            f"/api/sessions/{session_id}/chat",
            {"messages": [message], "stream": True, "remember": False},
        ),
        "gateway": ("/v1/chat/completions", {"model": "m", "messages": [message], "stream": True}),
    }


def _request(path: str, body: dict[str, object], *, close: bool = False) -> bytes:
    data = orjson.dumps(body)
    return (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Accept: text/event-stream\r\nContent-Length: {len(data)}\r\n"
        + ("Connection: close\r\n" if close else "")
        + "\r\n"
    ).encode() + data


def _read_until_done_or_closed(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    chunks = []
    try:
        while chunk := sock.recv(1 << 20):
            chunks.append(chunk)
            if chunk.endswith(b"0\r\n\r\n"):  # the last chunk of a complete stream
                break
    except ConnectionResetError:
        pass
    return b"".join(chunks)


@pytest.mark.parametrize("kind", ["chat", "gateway"])
async def test_a_client_that_stops_reading_a_stream_is_disconnected(kind: str) -> None:
    """A streamed chat never read held its connection, handler and unsent events for ever."""
    async with LocalServer(idle_timeout=0.3, max_body_bytes=_HUGE_LIMIT) as server:
        path, body = _streams(await _session(server), _HUGE)[kind]
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            await loop.run_in_executor(None, sock.connect, ("127.0.0.1", server.port))
            await loop.run_in_executor(None, sock.sendall, _request(path, body))
            await asyncio.sleep(3)  # never reading: the server gives up on us
            received = await loop.run_in_executor(None, _read_until_done_or_closed, sock)
        finally:
            sock.close()
        assert b"data: [DONE]" not in received  # cut off, not delivered whole after the wait


@pytest.mark.parametrize("kind", ["chat", "gateway"])
async def test_a_client_that_reads_a_stream_slowly_gets_all_of_it(kind: str) -> None:
    """Slow is fine as long as the stream keeps moving."""
    async with LocalServer(idle_timeout=0.5) as server:
        path, body = _streams(await _session(server))[kind]
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(_request(path, body, close=True))
            await writer.drain()
            chunks = []
            while chunk := await reader.read(512 * 1024):
                chunks.append(chunk)
                await asyncio.sleep(0.1)  # ~5 MB/s
        finally:
            writer.close()
            await writer.wait_closed()
        assert b"data: [DONE]" in b"".join(chunks)


@pytest.mark.parametrize("kind", ["chat", "gateway"])
async def test_a_client_that_leaves_mid_stream_is_let_go_quietly(
    kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A client that reads the start of a stream and hangs up leaves no error in the log."""
    async with LocalServer(idle_timeout=5) as server:
        path, body = _streams(await _session(server))[kind]
        for _ in range(5):  # the hang-up lands at different points of the stream
            reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
            writer.write(_request(path, body))
            await writer.drain()
            await reader.read(1024)
            writer.transport.abort()
            await asyncio.sleep(0.2)
    errors = [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")]
    assert not errors, [r.getMessage() for r in errors]
