"""An Idempotency-Key header that is not UTF-8 text makes the server answer
500 Internal Server Error (UnicodeEncodeError binding it into SQLite, traceback logged).
The SDK retries 5xx, so such a call is sent three times for nothing.
Expected: a 4xx naming the header (as auth.py does for a non-UTF-8 Authorization: 401).
"""
import socket

from _server import serve

with serve() as (port, proc):
    body = b'{"name":"x"}'
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(
        b"POST /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Idempotency-Key: \xff\xfe\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
        % (len(body), body)
    )
    data = b""
    while chunk := s.recv(4096):
        data += chunk
    status_line = data.split(b"\r\n", 1)[0].decode()
    print(status_line, data.rsplit(b"\r\n\r\n", 1)[-1][:100])
    raise SystemExit(1 if " 500 " in status_line else 0)
