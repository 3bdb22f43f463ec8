"""A raw-socket 127.0.0.1 server whose n-th request gets the n-th behaviour."""
from __future__ import annotations

import socket
import threading
import time
import typing

Behaviour = typing.Callable[[socket.socket], None]


def sse_then_reset(conn: socket.socket) -> None:
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    event = b'data: {"id":"c1","index":0,"delta":{"role":"assistant","content":"hel"}}\n\n'
    conn.sendall(b"%x\r\n%s\r\n" % (len(event), event))
    time.sleep(0.2)
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def hang(conn: socket.socket) -> None:
    time.sleep(20)
    conn.close()


def status(code: int) -> Behaviour:
    def send(conn: socket.socket) -> None:
        body = b'{"detail":"busy"}'
        conn.sendall(b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (code, len(body), body))
        conn.close()
    return send


class RawServer:
    def __init__(self, behaviours: list[Behaviour], default: Behaviour = hang) -> None:
        self.behaviours = list(behaviours)
        self.default = default
        self.count = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.base_url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/api"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            conn, _ = self.sock.accept()
            self.count += 1
            b = self.behaviours.pop(0) if self.behaviours else self.default
            threading.Thread(target=self._serve, args=(conn, b), daemon=True).start()

    def _serve(self, conn: socket.socket, b: Behaviour) -> None:
        conn.settimeout(5)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                data += conn.recv(65536)
            head, _, rest = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            while len(rest) < length:
                rest += conn.recv(65536)
            b(conn)
        except OSError:
            pass


def reset(conn: socket.socket) -> None:
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def slow_headers(seconds: float) -> Behaviour:
    def send(conn: socket.socket) -> None:
        time.sleep(seconds)
        reset(conn)
    return send
