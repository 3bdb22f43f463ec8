"""The idempotency store's 64 MiB bound counts each record's bytes, and a keyed chat's
record holds its whole answer (the echo says a 3.9 MB message back). Twenty such
chats, from anyone, in a few seconds, evict every other record however fresh: a client
whose create_agent timed out and is retried a second later with the same
Idempotency-Key gets a second agent.
README: "A retry with the key, even after a crash ... answers as the first did
(Idempotent-Replayed: true) and writes nothing" (the bounds are listed, but nothing
says a record seconds old may go). Expected: a retry within the SDK's retry window
is replayed; the bound could spare young records or keep answers out of the byte count.
"""

import json
import urllib.request

from _serve import serve


def call(port, method, path, body, key=None):
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api{path}", json.dumps(body).encode(), headers, method=method
    )
    with urllib.request.urlopen(request) as reply:
        return json.load(reply), reply.headers.get("Idempotent-Replayed")


with serve() as (port, _):
    first, _ = call(port, "POST", "/agents", {"name": "mine"}, key="create-mine")
    agent = first["id"]
    session, _ = call(port, "POST", "/sessions", {"agent_id": agent})
    big = "x" * 3_900_000
    for n in range(20):
        call(
            port,
            "POST",
            f"/sessions/{session['id']}/chat",
            {"messages": [{"role": "user", "content": big}], "remember": False},
            key=f"big-{n}",
        )
    retry, replayed = call(port, "POST", "/agents", {"name": "mine"}, key="create-mine")
    print("first id:", agent, "retry id:", retry["id"], "replayed:", replayed)
raise SystemExit(0 if retry["id"] == agent else 1)
