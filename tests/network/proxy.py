"""A forward HTTP proxy on 127.0.0.1, in its own thread, that counts what it relays.

Plain ``http://`` requests arrive in absolute form and are forwarded one per
connection (``Connection: close`` both ways keeps the bookkeeping simple);
``CONNECT host:port`` opens a tunnel, through which TLS flows untouched.
With ``credentials="user:pass"`` it answers 407 unless the request carries
them in ``Proxy-Authorization``; with ``tls=`` clients reach it over TLS (an
``https://`` proxy).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ssl
import threading
import urllib.parse

_HOP_BY_HOP = ("connection", "keep-alive", "proxy-authorization", "proxy-connection")


class ForwardProxy:
    """``forwarded`` counts relayed plain requests, ``tunnels`` CONNECTs, ``refused`` 407s."""

    def __init__(
        self, credentials: str | None = None, *, tls: ssl.SSLContext | None = None
    ) -> None:
        self.credentials = credentials
        self.tls = tls
        self.forwarded = 0
        self.tunnels = 0
        self.refused = 0
        self.targets: list[str] = []
        self.connect_headers: list[dict[str, str]] = []  # what each CONNECT carried
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, name="test-proxy")
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    @property
    def url(self) -> str:
        return f"{'http' if self.tls is None else 'https'}://127.0.0.1:{self.port}"

    @property
    def relayed(self) -> int:
        return self.forwarded + self.tunnels

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(), self._loop).result(10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0, ssl=self.tls)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        # A TLS stream closes after its shutdown exchange; abort() drops any socket still open.
        for writer in self._writers:
            writer.transport.abort()
        await self._server.wait_closed()

    def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.ensure_future(self._serve(reader, writer))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            request_line, *lines = head.decode("latin-1").split("\r\n")[:-2]
            method, target, version = request_line.split(" ")
            headers = [tuple(line.split(":", 1)) for line in lines]
            fields = {name.strip().lower(): value.strip() for name, value in headers}
            if not self._authorized(fields.get("proxy-authorization")):
                self.refused += 1
                writer.write(
                    b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                    b'Proxy-Authenticate: Basic realm="test"\r\n'
                    b"Content-Length: 0\r\nConnection: close\r\n\r\n"
                )
                await writer.drain()
                return
            if method == "CONNECT":
                self.connect_headers.append(fields)
                host, _, port = target.rpartition(":")
                up_reader, up_writer = await asyncio.open_connection(host, int(port))
                self._writers.add(up_writer)
                self.tunnels += 1
                self.targets.append(f"CONNECT {target}")
                writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
                await _pipe_both(reader, writer, up_reader, up_writer)
                return
            url = urllib.parse.urlsplit(target)
            up_reader, up_writer = await asyncio.open_connection(url.hostname, url.port or 80)
            self._writers.add(up_writer)
            self.forwarded += 1
            self.targets.append(f"{method} {target}")
            path = url.path + (f"?{url.query}" if url.query else "")
            kept = [f"{n}:{v}" for n, v in headers if n.strip().lower() not in _HOP_BY_HOP]
            up_writer.write(
                "\r\n".join(
                    [f"{method} {path} {version}", *kept, "Connection: close", "", ""]
                ).encode("latin-1")
            )
            await _relay_response(reader, writer, up_reader, up_writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    def _authorized(self, given: str | None) -> bool:
        if self.credentials is None:
            return True
        expected = "Basic " + base64.b64encode(self.credentials.encode()).decode()
        return given == expected


async def _relay_response(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    """The request body goes up while the response comes down, marked Connection: close."""
    body_up = asyncio.ensure_future(_pipe(reader, up_writer))
    try:
        head = await up_reader.readuntil(b"\r\n\r\n")
        status, *lines = head.decode("latin-1").split("\r\n")[:-2]
        kept = [line for line in lines if line.split(":", 1)[0].strip().lower() not in _HOP_BY_HOP]
        writer.write("\r\n".join([status, *kept, "Connection: close", "", ""]).encode("latin-1"))
        await _pipe(up_reader, writer)
    finally:
        body_up.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await body_up
        up_writer.close()


async def _pipe_both(
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    up_reader: asyncio.StreamReader,
    up_writer: asyncio.StreamWriter,
) -> None:
    try:
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
    finally:
        up_writer.close()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    except ConnectionError:
        pass
    finally:
        with contextlib.suppress(ConnectionError, RuntimeError):
            if sink.can_write_eof():
                sink.write_eof()
