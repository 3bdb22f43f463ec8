"""POST /v1/completions with a list of many prompts: no cap on their number, and every
prompt is answered on the event loop, so one request below the 4 MiB body limit freezes
the whole server (every other request waits) for many seconds.

README "Bounded input" / limits.py: "no single request can make the server work for long".
Expected: a 422 naming `prompt` past a sane count (or the work off the loop). Exits 1 when
a 0.4 MB request stalls an unrelated GET for more than 1 s.
"""
import json
import threading
import time

from _server import request, serve

N = 100_000  # 400 KB body; 1,000,000 (4 MB) stalls the server ~17 s on this machine
with serve() as (port, _):
    body = json.dumps({"model": "m", "prompt": [""] * N}).encode()
    result = {}

    def big():
        t0 = time.perf_counter()
        status, _, payload = request(port, "POST", "/v1/completions", raw=body, timeout=300)
        result["big"] = (status, time.perf_counter() - t0, len(json.dumps(payload)))

    thread = threading.Thread(target=big)
    thread.start()
    time.sleep(0.2)
    t0 = time.perf_counter()
    request(port, "GET", "/api/agents?limit=1")
    stalled = time.perf_counter() - t0
    thread.join()
    status, took, size = result["big"]
    print(f"{N} prompts ({len(body)} bytes): status {status}, {took:.2f}s, {size} bytes answered")
    print(f"an unrelated GET /api/agents meanwhile took {stalled:.2f}s")
    raise SystemExit(1 if stalled > 1.0 else 0)
