"""A client that asks for a streamed chat (Accept: text/event-stream) and stops reading
holds its connection, the handler and the whole unsent answer for ever: the idle
timeout that drops a stalled reader of a large JSON answer does not cover streams.

README "Bounded input": "...and so is the connection of a client that stops reading a
large answer for as long [--idle-timeout]". Same for /v1/chat/completions with stream.
Expected: with --idle-timeout 2, after 8 s of not reading, the server has dropped the
connection (as it does for the same chat answered as JSON). Got: the full stream,
[DONE] included, is still waiting to be read.
"""

import json
import socket
import time
import urllib.request

from _serve import serve


def call(port, path, body):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api{path}",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    return json.load(urllib.request.urlopen(request))


def unread(port, path, body, accept):
    data = json.dumps(body).encode()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", port))
    s.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Accept: {accept}\r\nContent-Length: {len(data)}\r\n\r\n".encode() + data
    )
    time.sleep(8)  # read nothing for 4 idle timeouts
    s.settimeout(2)
    got = b""
    try:
        while chunk := s.recv(1 << 20):
            got += chunk
            if got.endswith(b"0\r\n\r\n"):
                break
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return b"data: [DONE]" in got, len(got)


bad = 0
with serve("--idle-timeout", "2") as (port, _):
    agent = call(port, "/agents", {"name": "a"})["id"]
    session = call(port, "/sessions", {"agent_id": agent})["id"]
    big = "x" * 3_000_000
    chat = {"messages": [{"role": "user", "content": big}], "stream": True, "remember": False}
    cases = {
        "json chat (control)": (f"/api/sessions/{session}/chat", {**chat, "stream": False}, "application/json"),
        "streamed chat": (f"/api/sessions/{session}/chat", chat, "text/event-stream"),
        "/v1/chat/completions stream": (
            "/v1/chat/completions",
            {"model": "m", "messages": [{"role": "user", "content": big}], "stream": True},
            "text/event-stream",
        ),
    }
    for name, (path, body, accept) in cases.items():
        complete, size = unread(port, path, body, accept)
        print(f"{name}: after 8 s unread, still delivered {size} bytes, complete={complete}")
        bad += complete
raise SystemExit(1 if bad else 0)
