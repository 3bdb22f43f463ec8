"""An integer beyond 64 bits in metadata is stored as a float: 123456789012345678901234567890
reads back as 1.2345678901234568e+29 and -9223372036854775809 as -9.223372036854776e+18
(orjson parses such ints as floats), with a 201 and no warning.
README: "metadata survives the round trip". Expected: the exact int back, or a 422.
"""
from _server import request, serve

bad = 0
with serve() as (port, _):
    for raw in (b"123456789012345678901234567890", b"-9223372036854775809"):
        status, _, created = request(
            port, "POST", "/api/agents", raw=b'{"name":"x","metadata":{"n":' + raw + b"}}"
        )
        if status != 201:
            print(raw.decode(), "->", status, created)
            continue
        _, _, agent = request(port, "GET", f"/api/agents/{created['id']}")
        back = agent["metadata"]["n"]
        print(f"sent {raw.decode()}, got back {back!r}")
        bad += back != int(raw)
raise SystemExit(1 if bad else 0)
