"""The local server sends a server-sent-event stream to a chat whose Accept refuses it
(text/event-stream;q=0, "not acceptable" in RFC 9110), and a JSON body to one that asks for it
in upper case (TEXT/EVENT-STREAM; media types are case-insensitive): sse.accepts() looked for
the substring "text/event-stream". Contract section 6: "Send SSE only when text/event-stream is
explicitly accepted". Exits 1 on either.
"""

import json
import sys
import urllib.request

from julep.server import LocalServer


def post(url: str, body: object, accept: str = "application/json") -> tuple[str, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Accept": accept},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.headers["Content-Type"], response.read()


with LocalServer() as server:
    agent = json.loads(post(server.base_url + "/agents", {"name": "a"})[1])["id"]
    session = json.loads(post(server.base_url + "/sessions", {"agent_id": agent})[1])["id"]
    chat = {"messages": [{"role": "user", "content": "hi"}], "stream": True}
    refused, _ = post(
        f"{server.base_url}/sessions/{session}/chat",
        chat,
        "text/event-stream;q=0, application/json",
    )
    upper, _ = post(f"{server.base_url}/sessions/{session}/chat", chat, "TEXT/EVENT-STREAM")
print("Accept text/event-stream;q=0, application/json ->", refused)
print("Accept TEXT/EVENT-STREAM ->", upper)
sys.exit(
    1 if refused.startswith("text/event-stream") or not upper.startswith("text/event-stream") else 0
)
