"""`serve --idle-timeout 2`: a client that sends its headers and then stalls in the
body (Content-Length: 100, one byte sent) keeps the connection, and a handler,
forever; an idle connection or one stalled in its headers is closed after 2 s.
README: "Connections idle, or still sending their headers, for 30 s are closed
(--idle-timeout)" -- a body that never comes is bounded by nothing, so a few
thousand such sockets pin the server's descriptors (slowloris, body variant).
"""

import socket
import subprocess
import sys
import time

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
server = subprocess.Popen([sys.executable, "-m", "julep", "serve", "--port", str(port),
                           "--idle-timeout", "2"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE)
try:
    time.sleep(2.5)
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    sock.settimeout(15)
    start = time.monotonic()
    try:
        data = sock.recv(1000)
        print(f"closed or answered after {time.monotonic() - start:.1f} s: {data[:80]!r}")
        sys.exit(0)
    except socket.timeout:
        print("DEFECT: a request stalled in its body is still open after 15 s (idle timeout 2 s)")
        sys.exit(1)
finally:
    server.terminate()
    server.wait(10)
