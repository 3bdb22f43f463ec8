"""Once the idempotency store holds its 100,000 records (README: "at most 100,000 of them"),
every keyed write re-counts the whole table after dropping the oldest record, on the one
database thread: ~10-14 ms per write instead of ~0.7 ms, and every other request waits on
that thread. The SDK sends an Idempotency-Key with every non-GET call, so a server that saw
100,000 writes in 24 h stays ~15x slower for writes.
Exits 1 when a keyed create costs more than 4x a plain one.
"""
import os
import sqlite3
import sys
import tempfile
import time
import uuid

from _server import request, serve

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from julep.server.store.schema import DDL  # noqa: E402

with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "julep.db")
    conn = sqlite3.connect(db)
    conn.executescript(DDL)
    now = time.time()
    conn.executemany(
        "INSERT INTO idempotent_requests (key, fingerprint, results, size, stored_at)"
        " VALUES (?, ?, ?, ?, ?)",
        ((f"k{i}", b"x" * 32, b'{"0":["id","t"]}', 60, now - 1000 + i * 0.001)
         for i in range(100_000)),
    )
    conn.commit()
    conn.close()
    with serve("--db", db) as (port, _):
        def per_request(keyed: bool) -> float:
            t0 = time.perf_counter()
            for _ in range(200):
                headers = {"Idempotency-Key": str(uuid.uuid4())} if keyed else {}
                request(port, "POST", "/api/agents", {"name": "x"}, headers=headers)
            return (time.perf_counter() - t0) / 200 * 1000

        per_request(False)  # warm up
        plain, keyed = per_request(False), per_request(True)
        print(f"at 100,000 records: plain create {plain:.2f} ms, keyed create {keyed:.2f} ms")
        raise SystemExit(1 if keyed > 4 * plain else 0)
