"""Minimal keep-alive HTTP/1.1 server answering the canned ChatResponse
(chat_throughput.py) and the canned lists of any length (decode_scale.py).

Fallback for machines without nginx. It runs in its own process (the
benchmark parent starts it with ``python _stub_server.py --port P``) so that
its CPU use is not charged to the client being measured. It is much slower
than nginx; the parent reports its CPU use so an overloaded stub is visible.

It listens on 127.0.0.1 only and stops by itself: after --max-seconds, or as
soon as the process that started it goes away.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import sys
from typing import Final

import _decode_payloads
import _payloads

_MAX_BUFFER: Final = 1 << 20  # a client sending more than this unparsed is broken
_PATH_RE: Final = re.compile(_payloads.CHAT_PATH_REGEX.encode())


def _response(status: bytes, body: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\n"
        b"Server: julep-bench-stub\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: " + str(len(body)).encode() + b"\r\n"
        b"Connection: keep-alive\r\n\r\n" + body
    )


# Pre-built once: the whole point is that answering costs (almost) nothing.
_OK: Final = _response(b"200 OK", _payloads.RESPONSE_BODY)
_NOT_FOUND: Final = _response(b"404 Not Found", b'{"detail":"not found"}')


def _chunked_end(buf: bytearray, pos: int) -> int | None:
    """Index just past a chunked body starting at ``pos``; None if incomplete.

    Trailers are not supported: no benchmark client sends them.
    """
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";", 1)[0], 16)
        pos = eol + 2
        if size == 0:
            return pos + 2 if len(buf) >= pos + 2 else None
        pos += size + 2
        if pos > len(buf):
            return None


def _answer(path: bytes) -> bytes:
    return _OK if _PATH_RE.match(path) else _list_answer(path)


@functools.lru_cache(maxsize=32)
def _list_answer(path: bytes) -> bytes:
    body = _decode_payloads.route(path)
    return _NOT_FOUND if body is None else _response(b"200 OK", body)


class _Handler(asyncio.Protocol):
    """One connection; handles pipelined requests in arrival order."""

    def __init__(self) -> None:
        self._buf = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buf += data
        try:
            while self._handle_one():
                pass
        except ValueError:  # malformed framing: drop the connection
            self._close()
            return
        if len(self._buf) > _MAX_BUFFER:
            self._close()

    def _handle_one(self) -> bool:
        """Answer one complete request from the buffer; False if none is complete."""
        head_end = self._buf.find(b"\r\n\r\n")
        if head_end < 0:
            return False
        head = bytes(self._buf[:head_end]).split(b"\r\n")
        body_start = head_end + 4
        length, chunked, close = 0, False, False
        for line in head[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        end = _chunked_end(self._buf, body_start) if chunked else body_start + length
        if end is None or end > len(self._buf):
            return False
        del self._buf[:end]
        parts = head[0].split(b" ")
        path = parts[1].split(b"?", 1)[0] if len(parts) >= 2 else b""
        assert self._transport is not None
        self._transport.write(_answer(path))
        if close:
            self._close()
            return False
        return True

    def _close(self) -> None:
        if self._transport is not None:
            self._transport.close()


async def _watchdog(max_seconds: float, parent_pid: int) -> None:
    """Return when the time budget is spent or the parent has gone."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.call_later(max_seconds, stop.set)

    def check_parent() -> None:
        # Reparenting (getppid changes) means the benchmark process died.
        if os.getppid() != parent_pid:
            stop.set()
        else:
            loop.call_later(1.0, check_parent)

    check_parent()
    await stop.wait()


async def _serve(port: int, max_seconds: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(_Handler, host="127.0.0.1", port=port, backlog=4096)
    # The parent polls the port for readiness; this line is for humans.
    print(f"stub listening on 127.0.0.1:{port}", flush=True)
    async with server:
        await _watchdog(max_seconds, os.getppid())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--max-seconds", type=float, default=3600.0)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.port, args.max_seconds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
