"""A client that asks for a large answer (a long list) and never reads it keeps that answer
in the server's memory, and the connection open, for ever: --idle-timeout does not apply
to a stalled reader. Five such clients on 10 agents of 3.9 MB hold ~400 MB here; with
1000 agents of 4 MiB one GET is 4 GiB.
Expected: the connection dropped (and the memory freed) after --idle-timeout.
Exits 1 if the server's RSS is still >150 MB above its baseline 8 s later (timeout 2 s).
"""
import socket
import time

from _server import request, serve


def rss_mb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) // 1024
    return 0


with serve("--idle-timeout", "2") as (port, proc):
    for _ in range(10):
        request(port, "POST", "/api/agents", {"name": "b", "about": "x" * 3_900_000})
    baseline = rss_mb(proc.pid)
    readers = []
    for _ in range(5):
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        sock.sendall(b"GET /api/agents?limit=1000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        readers.append(sock)
    time.sleep(2)
    held = rss_mb(proc.pid)
    time.sleep(6)
    after = rss_mb(proc.pid)
    print(f"server RSS: {baseline} MB before, {held} MB with 5 unread answers,"
          f" {after} MB 8 s later (idle timeout 2 s)")
    raise SystemExit(1 if after - baseline > 150 else 0)
