"""A hostile HTTP server on 127.0.0.1, written on raw sockets so it can send
anything: endless bodies, gzip bombs, endless events, broken UTF-8, absurd
Retry-After values, header lines aiohttp refuses.

The last segment of the request path names the behaviour, with its size after
a dash: ``GET /api/agents/body-1048576``, ``POST /api/sessions/sse-endless/chat``.
Every behaviour stops when the client goes away, after ``LIMIT_SECONDS``, or
after ``LIMIT_BYTES``, whichever comes first, so no test can hang on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import typing
import zlib

import orjson

LIMIT_SECONDS = 60.0
LIMIT_BYTES = 12 * 1024**3
BLOCK = 64 * 1024
MIB = 1024 * 1024

Writer = typing.Callable[[bytes], typing.Awaitable[None]]


class StopSendingError(Exception):
    """The client closed the connection, or a bound of the server was reached."""


def _head(status: str, headers: dict[str, str]) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Connection: close", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def _chunk(data: bytes) -> bytes:
    """One piece of a ``Transfer-Encoding: chunked`` body."""
    return b"%x\r\n%s\r\n" % (len(data), data)


def _delta(text: str) -> bytes:
    delta = {"id": "c1", "index": 0, "delta": {"role": "assistant", "content": text}}
    return b"data: " + orjson.dumps(delta) + b"\n\n"


def _gzip_pieces(inflated: int) -> typing.Iterator[bytes]:
    """A gzip stream that inflates to ``inflated`` zero bytes, made in O(1 MiB) of work.

    After a full flush deflate starts afresh, so every further MiB of zeros
    compresses to the same ~1 KB: the bomb is that piece repeated. The trailer
    is left out; the client must give up long before it.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    block = bytes(MIB)
    yield compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    for _ in range(inflated // MIB - 1):
        yield again


async def _repeat(write: Writer, piece: bytes, total: int) -> None:
    for _ in range(total // len(piece)):
        await write(piece)


async def body(write: Writer, size: int) -> None:
    """200 with ``size`` bytes of chunked body (no length announced)."""
    headers = {"Content-Type": "application/json", "Transfer-Encoding": "chunked"}
    await write(_head("200 OK", headers))
    await _repeat(write, _chunk(b" " * BLOCK), size)
    await write(b"0\r\n\r\n")


async def sized(write: Writer, size: int) -> None:
    """200 announcing ``Content-Length: size``, then sending it."""
    await write(_head("200 OK", {"Content-Type": "application/json", "Content-Length": str(size)}))
    await _repeat(write, b" " * BLOCK, size)


async def gzip(write: Writer, size: int) -> None:
    """200 with a gzip body that inflates to ``size`` bytes."""
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Transfer-Encoding": "chunked",
    }
    await write(_head("200 OK", headers))
    for piece in _gzip_pieces(size):
        await write(_chunk(piece))
    await write(b"0\r\n\r\n")


async def gzagent(write: Writer, size: int) -> None:
    """Not hostile: a valid agent, gzip-compressed and chunked, padded to ``size`` bytes."""
    from ..wire.samples import AGENT

    document = orjson.dumps(AGENT)
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    packed = compressor.compress(document + b" " * max(size - len(document), 0))
    packed += compressor.flush()
    headers = {
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
        "Transfer-Encoding": "chunked",
    }
    await write(_head("200 OK", headers))
    for start in range(0, len(packed), 1000):
        await write(_chunk(packed[start : start + 1000]))
    await write(b"0\r\n\r\n")


async def late(write: Writer, millis: int) -> None:
    """Not hostile: a valid agent, after ``millis`` milliseconds of silence."""
    from ..wire.samples import AGENT

    await asyncio.sleep(millis / 1000)
    await _json(write, "200 OK", AGENT)


async def _json(write: Writer, status: str, document: typing.Any) -> None:
    data = orjson.dumps(document)
    headers = {"Content-Type": "application/json", "Content-Length": str(len(data))}
    await write(_head(status, headers) + data)


async def bigdetail(write: Writer, size: int) -> None:
    """400 whose JSON detail is ``size`` characters long."""
    await _json(write, "400 Bad Request", {"detail": "x" * size})


async def baditems(write: Writer, size: int) -> None:
    """200 with ``size`` list items, none of them valid."""
    await _json(write, "200 OK", {"items": [{"id": 1}] * size})


async def error(write: Writer, size: int) -> None:
    """500 with a ``size``-byte text body."""
    headers = {"Content-Type": "text/plain", "Content-Length": str(size)}
    await write(_head("500 Internal Server Error", headers))
    await _repeat(write, b"e" * BLOCK, size - size % BLOCK)
    await write(b"e" * (size % BLOCK))


async def retry(write: Writer, which: int) -> None:
    """429 with a Retry-After the client must not obey: huge, inf or nan."""
    header = {
        0: ("Retry-After", "99999999999999999999"),
        1: ("retry-after-ms", "inf"),
        2: ("retry-after-ms", "nan"),
        3: ("Retry-After", "9" * 400),
    }[which]
    body = b'{"detail": "slow down"}'
    headers = {"Content-Type": "application/json", "Content-Length": str(len(body))}
    headers[header[0]] = header[1]
    await write(_head("429 Too Many Requests", headers) + body)


async def header(write: Writer, size: int) -> None:
    """A header line of ``size`` bytes, past aiohttp's parser limit."""
    await write(b"HTTP/1.1 200 OK\r\nX-Long: " + b"h" * size + b"\r\n\r\n{}")


async def cut(write: Writer, size: int) -> None:
    """A body announced as ``size`` bytes that stops after ten."""
    await write(_head("200 OK", {"Content-Type": "application/json", "Content-Length": str(size)}))
    await write(b"{" * 10)


async def badgzip(write: Writer, size: int) -> None:
    """A body that says it is gzip and is not."""
    junk = b"not gzip at all" * max(size // 15, 1)
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(junk))}
    await write(_head("200 OK", {"Content-Type": "application/json", **headers}) + junk)


async def stall(write: Writer, size: int) -> None:
    """Accept the request and answer nothing (until the client gives up)."""
    await asyncio.sleep(LIMIT_SECONDS)


def _sse_head() -> bytes:
    return _head("200 OK", {"Content-Type": "text/event-stream"})


async def sse_endless(write: Writer, size: int) -> None:
    """Valid reply pieces forever, never a final event."""
    await write(_sse_head())
    piece = _delta("word " * 1000) * 16
    while True:
        await write(piece)


async def sse_flood(write: Writer, size: int) -> None:
    """One-character reply pieces, as fast as the client takes them, forever."""
    await write(_sse_head())
    piece = _delta("w") * 256
    while True:
        await write(piece)


async def sse_noblank(write: Writer, size: int) -> None:
    """``data:`` lines forever, never the blank line that ends an event."""
    await write(_sse_head() + _delta("Hel"))
    line = b"data: " + b"x" * 1000 + b"\n"
    while True:
        await write(line * 64)


async def sse_longline(write: Writer, size: int) -> None:
    """One ``data:`` line that never ends."""
    await write(_sse_head() + _delta("Hel") + b"data: ")
    while True:
        await write(b"y" * BLOCK)


async def sse_utf8(write: Writer, size: int) -> None:
    """One good piece, then a line that is not UTF-8."""
    await write(_sse_head() + _delta("Hel") + b'data: {"x": "\xff\xfe"}\n\n')


async def sse_cut(write: Writer, size: int) -> None:
    """One good piece of a chunked stream, then the connection closes mid-body."""
    head = _head("200 OK", {"Content-Type": "text/event-stream", "Transfer-Encoding": "chunked"})
    await write(head + _chunk(_delta("Hel")))
    # The piece is read before the close is seen: a close in the same packet can
    # be seen first, and the piece lost with the rest of the body.
    await asyncio.sleep(0.2)


async def sse_stall(write: Writer, size: int) -> None:
    """One good piece, then silence."""
    await write(_sse_head() + _delta("Hel"))
    await asyncio.sleep(LIMIT_SECONDS)


async def sse_trickle(write: Writer, millis: int) -> None:
    """A reply piece every ``millis`` ms, forever: never idle, never finished."""
    await write(_sse_head())
    while True:
        await write(_delta("word "))
        await asyncio.sleep(millis / 1000)


async def sse_short(write: Writer, count: int) -> None:
    """``count`` reply pieces, the final event and ``[DONE]``, all at once."""
    final = {"id": "c1", "index": 0, "delta": {"content": "."}, "finish_reason": "stop"}
    events = _delta("word ") * count + b"data: " + orjson.dumps(final) + b"\n\n"
    await write(_sse_head() + events + b"data: [DONE]\n\n")


_shuffles = [0]  # calls so far, so each answer is in another order


async def shuffle(write: Writer, count: int) -> None:
    """``count`` docs whatever the offset, in a new order each time (ignores offset)."""
    from ..wire.samples import DOC

    _shuffles[0] += 1
    docs = [{**DOC, "id": f"00000000-0000-4000-8000-{i:012d}"} for i in range(count)]
    turn = _shuffles[0] % max(count, 1)
    await _json(write, "200 OK", {"items": docs[turn:] + docs[:turn]})


async def running(write: Writer, size: int) -> None:
    """A job status that says "running", every time it is asked."""
    await _json(
        write,
        "200 OK",
        {
            "name": "job",
            "reason": "",
            "id": "00000000-0000-4000-8000-000000000000",
            "created_at": "2024-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "has_progress": False,
            "progress": 0,
            "state": "running",
        },
    )


BEHAVIOURS: dict[str, typing.Callable[[Writer, int], typing.Awaitable[None]]] = {
    "body": body,
    "sized": sized,
    "gzip": gzip,
    "gzagent": gzagent,
    "bigdetail": bigdetail,
    "baditems": baditems,
    "error": error,
    "retry": retry,
    "header": header,
    "cut": cut,
    "badgzip": badgzip,
    "stall": stall,
    "sse_endless": sse_endless,
    "sse_flood": sse_flood,
    "sse_noblank": sse_noblank,
    "sse_longline": sse_longline,
    "sse_utf8": sse_utf8,
    "sse_stall": sse_stall,
    "sse_cut": sse_cut,
    "sse_trickle": sse_trickle,
    "late": late,
    "sse_short": sse_short,
    "shuffle": shuffle,
    "running": running,
}


def _case(path: str) -> tuple[str, int]:
    """``/api/agents/body-1024`` -> ("body", 1024); ``/api/sessions/sse_utf8/chat``
    -> ("sse_utf8", 0)."""
    segments = path.split("?", maxsplit=1)[0].strip("/").split("/")
    name = segments[2] if len(segments) > 2 else ""
    kind, _, size = name.partition("-")
    return kind, int(size or 0)


class HostileServer:
    """The server in a thread with its own loop; ``requests`` lists the paths it was
    asked for, ``bytes_sent`` how much it wrote for each before the connection ended."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self.bytes_sent: dict[str, int] = {}  # by path, once its connection is over
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hostile-server", daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the hostile server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, limit=MIB)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await asyncio.wait_for(self._answer(reader, writer), LIMIT_SECONDS)
        except (StopSendingError, OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # Stopping the server: end quietly (asyncio would log a cancelled
            # connection task as an error).
            pass
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):
                await writer.wait_closed()

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        length = 0
        for line in header_lines:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        await reader.readexactly(length)
        path = request_line.split(" ")[1]
        self.requests.append(path)
        kind, size = _case(path)
        sent = 0
        started = time.monotonic()

        async def write(data: bytes) -> None:
            nonlocal sent
            sent += len(data)
            if sent > LIMIT_BYTES or time.monotonic() - started > LIMIT_SECONDS:
                raise StopSendingError("a bound of the hostile server was reached")
            if writer.is_closing():
                raise StopSendingError("the client went away")
            writer.write(data)
            await writer.drain()

        try:
            await BEHAVIOURS[kind](write, size)
        finally:
            self.bytes_sent[path] = sent
