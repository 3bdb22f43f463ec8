"""A request body sent with Content-Encoding: gzip is inflated by aiohttp on the event loop
as it arrives. A 2 MB gzip that inflates to 2 GB is answered 413 (the 4 MiB limit counts
inflated bytes) but the loop keeps inflating it (lingering read), so every other request
waits for seconds. README "Bounded input"; limits.py "no single request can make the
server work for long". The SDK never compresses request bodies.
Expected: refused without inflating (415). Exits 1 if an unrelated GET waits > 1 s.
"""
import http.client
import socket
import threading
import time
import zlib

from _server import serve

compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
chunks = [compressor.compress(b'{"name":"x","about":"')]
chunks += [compressor.compress(b"a" * (1 << 20)) for _ in range(2000)]
bomb = b"".join(chunks) + compressor.compress(b'"}') + compressor.flush()

with serve() as (port, _):
    worst = 0.0
    done = False

    def probe():
        global worst
        while not done:
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/api/agents?limit=1")
            conn.getresponse().read()
            worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.05)

    thread = threading.Thread(target=probe)
    thread.start()
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        b"POST /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb)
    )
    try:
        sock.sendall(bomb)
    except OSError:
        pass
    sock.settimeout(30)
    print("answer:", sock.recv(200).split(b"\r\n")[0])
    time.sleep(4)
    done = True
    thread.join()
    print(f"{len(bomb)} gzip bytes (2 GB inflated); an unrelated GET waited up to {worst:.2f}s")
    raise SystemExit(1 if worst > 1.0 else 0)
