"""JULEP_SERVER_API_KEY="my-key " (a trailing space, as a pasted value often has) starts a
server that no client can ever use: HTTP trims header values and auth.py trims what it is
given, but compares with the key untrimmed, so every request is 403 — with no word at
start-up. (--api-key-file trims its line; the environment and --api-key do not.)
Expected: the key compared trimmed (or refused at start). Exits 1 on 403.
"""
from _server import request, serve

with serve(env={"JULEP_SERVER_API_KEY": "my-key "}) as (port, _):
    results = {
        header: request(port, "GET", "/api/agents", headers={"Authorization": header})[0]
        for header in ("Bearer my-key ", "my-key ", "Bearer my-key", "my-key")
    }
    for header, status in results.items():
        print(f"Authorization: {header!r} -> {status}")
    raise SystemExit(1 if all(status == 403 for status in results.values()) else 0)
