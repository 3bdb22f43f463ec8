"""A request body that keeps trickling in (one byte just inside --idle-timeout) is read
for as long as the client likes: headers are bounded in total time (--idle-timeout), a
stopped body is a 408, but a 4 MiB body at one byte per 29 s holds a connection and a
handler for years, and nothing caps the connections (fds) so held. Slowloris on the body.
Brief: "slow clients (slowloris-style partial headers/bodies, bounded in time)".
Expected: a total deadline (or a minimum rate) for a body, then 408 and close.
Shown with --idle-timeout 2 and a byte every 1.5 s: still being read after 15 s.
"""

import socket
import time

from _serve import serve

with serve("--idle-timeout", "2") as (port, _):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(
        b"POST /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 4000000\r\n\r\n"
    )
    s.settimeout(0.1)
    start = time.monotonic()
    answered = None
    while time.monotonic() - start < 15:
        try:
            s.sendall(b" ")
            answered = s.recv(200)
            break
        except socket.timeout:
            time.sleep(1.4)
        except OSError as exc:
            answered = repr(exc).encode()
            break
    took = time.monotonic() - start
    print(f"after {took:.1f} s of a trickled body:", answered or "still reading it")
raise SystemExit(0 if answered else 1)
