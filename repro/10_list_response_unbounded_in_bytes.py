"""Pagination bounds the number of items (limit <= 1000), not their bytes: ``about``,
``instructions``, doc content and messages are limited only by the 4 MiB body, so one
GET /agents?limit=1000 can make the server build a multi-gigabyte answer in memory
(1000 agents x 4 MiB = 4 GiB). Scaled down here: 24 agents of 3.9 MB each make one list
answer of ~94 MB, and the server's memory grows by several times that.
(README "Bounded input"/"no single request can make the server work for long".)
Expected: a byte bound per page (e.g. stop the page early) or per stored text field.
Exits 1 when one list response exceeds 64 MiB.
"""
import json
import time

from _server import request, serve


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return 0


with serve() as (port, proc):
    about = "x" * 3_900_000
    for _ in range(24):
        status, _, _ = request(port, "POST", "/api/agents", {"name": "big", "about": about})
        assert status == 201
    before = rss_kb(proc.pid)
    t0 = time.perf_counter()
    status, _, body = request(port, "GET", "/api/agents?limit=1000", timeout=300)
    took = time.perf_counter() - t0
    size = len(json.dumps(body))
    after = rss_kb(proc.pid)
    print(f"GET /api/agents?limit=1000: {status}, {size / 2**20:.0f} MiB in {took:.1f}s;"
          f" server RSS {before // 1024} -> {after // 1024} MiB")
    raise SystemExit(1 if size > 64 * 2**20 else 0)
