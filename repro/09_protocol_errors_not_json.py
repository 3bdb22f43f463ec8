"""README: "Every error is JSON {"detail": ...}". A malformed request line/header/chunk is
answered by aiohttp with text/plain ("Invalid header value char: ..."), not JSON.
"""
import socket

from _server import serve

with serve() as (port, _):
    bad = 0
    for raw in (
        b"GET /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: b\x01\r\n\r\n",
        b"POST /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
    ):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(raw)
        data = s.recv(4096)
        s.close()
        head = data.split(b"\r\n\r\n")[0].decode(errors="replace")
        ctype = [h for h in head.split("\r\n") if h.lower().startswith("content-type")]
        print(head.splitlines()[0], ctype)
        bad += not any("application/json" in h for h in ctype)
raise SystemExit(1 if bad else 0)
