"""README "The local server's guarantees and limits" says: "Every error the API answers is JSON
{"detail": ...} (bytes that are not HTTP at all get aiohttp's own plain-text 400)".

Well-formed HTTP requests that only exceed aiohttp's parser limits (a request line over the
200 KiB the server sets, one header line over 8,190 bytes, too many headers) are answered with
aiohttp's plain-text 400, not JSON: an SDK user with a large metadata_filter gets a
BadRequestError whose body is a str quoting the start of the URL, not {"detail": ...}.
Exits 1 while the claim is false.
"""

import json
import socket
import sys

import julep
from julep.server import LocalServer


def raw(port: int, request: bytes) -> tuple[bytes, bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n")[0], body


def is_json_detail(body: bytes) -> bool:
    try:
        return "detail" in json.loads(body)
    except ValueError:
        return False


failures = 0
with LocalServer() as server:
    port = server.port if hasattr(server, "port") else int(server.base_url.split(":")[2].split("/")[0])
    host = b"Host: 127.0.0.1\r\n"
    cases = {
        "request line of 300 KiB": b"GET /api/agents?x=" + b"a" * (300 * 1024) + b" HTTP/1.1\r\n" + host + b"\r\n",
        "a 10 KB header": b"GET /api/agents HTTP/1.1\r\n" + host + b"X-Trace: " + b"a" * 10000 + b"\r\n\r\n",
        "200 headers": b"GET /api/agents HTTP/1.1\r\n" + host + b"".join(b"X-%d: 1\r\n" % i for i in range(200)) + b"\r\n",
    }
    for label, request in cases.items():
        status, body = raw(port, request)
        ok = is_json_detail(body)
        failures += not ok
        print(f"{label}: {status.decode()} {'JSON' if ok else 'NOT JSON'}: {body[:90]!r}")

    with julep.JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as client:
        try:
            client.list_agents(metadata_filter={"k": "\u20ac" * 30000})
        except julep.APIStatusError as error:
            print(f"SDK: {type(error).__name__} body type {type(error.body).__name__}: {str(error.body)[:90]!r}")
            failures += not isinstance(error.body, dict)
sys.exit(1 if failures else 0)
