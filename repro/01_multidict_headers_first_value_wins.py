"""headers= given as a multidict with one name twice (in any case): the FIRST value
is sent, though the client promises "one value per name in any case (the last given
wins)" (julep/_base_client.py, _config.merged_headers docstring; commit ccb6375).
A plain dict {'X-A': '1', 'x-a': '2'} sends '2'; CIMultiDict([('X-A','1'),('x-a','2')])
sends '1'. Exits 1 when the wrong value goes out."""
import socket
import sys
import threading

from multidict import CIMultiDict, MultiDict

import julep

seen: list[bytes] = []
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(8)
port = sock.getsockname()[1]


def serve() -> None:
    while True:
        conn, _ = sock.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            data += conn.recv(65536)
        seen.append(data.split(b"\r\n\r\n")[0])
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 12\r\nConnection: close\r\n\r\n{\"items\":[]}")
        conn.close()


threading.Thread(target=serve, daemon=True).start()
url = f"http://127.0.0.1:{port}/api"
bad = 0
for label, headers in [
    ("dict, two cases", {"X-A": "1", "x-a": "2"}),
    ("CIMultiDict, two cases", CIMultiDict([("X-A", "1"), ("x-a", "2")])),
    ("MultiDict, same name twice", MultiDict([("X-A", "1"), ("X-A", "2")])),
]:
    with julep.JulepApi(api_key="k" * 12, base_url=url, headers=headers, max_retries=0) as client:
        client.list_agents()
    lines = [line for line in seen[-1].split(b"\r\n") if line.lower().startswith(b"x-a:")]
    ok = lines == [lines[0][:5] + b"2"] if lines else False
    print(f"{label}: sent {lines} -> {'ok' if ok else 'WRONG (the last given is 2)'}")
    bad += not ok
sys.exit(1 if bad else 0)
