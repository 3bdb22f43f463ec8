"""One chat message of a few MiB (one message, under the 4 MiB body limit) is worked on the
local server's event loop: the echo model splits it into words and recall scans it with one
regex findall, ~0.5 s per request during which every other request waits (a 404 included).
Four such requests in flight hold a trivial GET for ~1-2 s.

README "Bounded input": "Large bodies are decoded and checked on a worker thread"; offload.py:
"Small requests stay on the loop" -- but "small" was judged by message count (<= 64) only.
Prints the worst latency of a GET /api/nope probe while 4 long-message chats run; exits 1 when
it is over 0.5 s (before the fix: ~1-2 s on /v1 and /api chat; after: ~0.1-0.4 s).
"""

import json
import sys
import threading
import time
import urllib.error
import urllib.request

from julep.server import LocalServer


def call(url: str, body: bytes | None = None) -> int:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


with LocalServer() as server:
    base = server.base_url
    agent = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                base + "/agents", data=b'{"name":"a"}', headers={"Content-Type": "application/json"}
            )
        ).read()
    )["id"]
    session = json.loads(
        urllib.request.urlopen(
            urllib.request.Request(
                base + "/sessions",
                data=json.dumps({"agent_id": agent}).encode(),
                headers={"Content-Type": "application/json"},
            )
        ).read()
    )["id"]
    body = json.dumps(
        {"messages": [{"role": "user", "content": "word " * 800_000}], "remember": False}
    ).encode()
    worst = 0.0
    stop = False

    def probe() -> None:
        global worst
        while not stop:
            started = time.perf_counter()
            call(base + "/nope")
            worst = max(worst, time.perf_counter() - started)
            time.sleep(0.01)

    prober = threading.Thread(target=probe)
    prober.start()
    time.sleep(0.2)
    chats = [
        threading.Thread(target=call, args=(f"{base}/sessions/{session}/chat", body))
        for _ in range(4)
    ]
    for chat in chats:
        chat.start()
    for chat in chats:
        chat.join()
    stop = True
    prober.join()
    print(f"worst GET latency while 4 long-message chats ran: {worst:.2f} s")
    sys.exit(1 if worst > 0.5 else 0)
