"""close() while a streamed chat is in flight: both clients raise ClientClosedError, but
AsyncJulepApi says which call and how much had come ("POST .../chat: the client was
closed while this chat stream was in flight (N characters received)") while JulepApi
says only "this client is closed; create a new one" (the portal cancels the task
before the transport can say what it was doing). Same type, different message; the
brief's parity rule asks for the same message. Needs nothing but 127.0.0.1.
Exits 1 while the messages differ."""

import asyncio
import http.server
import json
import sys
import threading
import time

import julep


class SlowSSE(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.end_headers()
        try:
            for i in range(50):
                chunk = {"id": "c", "delta": {"role": "assistant", "content": f" w{i}"}, "index": 0}
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
                time.sleep(0.1)
        except OSError:
            pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowSSE)
threading.Thread(target=server.serve_forever, daemon=True).start()
base = f"http://127.0.0.1:{server.server_address[1]}/api"
S = "11111111-2222-4333-8444-555555555555"

sync_client = julep.JulepApi(api_key="k", base_url=base, max_retries=0)
threading.Timer(0.35, sync_client.close).start()
try:
    sync_client.chat(S, messages=[{"role": "user", "content": "x"}], stream=True)
except julep.ClientClosedError as exc:
    sync_message = str(exc)


async def run_async() -> str:
    client = julep.AsyncJulepApi(api_key="k", base_url=base, max_retries=0)
    asyncio.get_running_loop().call_later(0.35, lambda: asyncio.ensure_future(client.close()))
    try:
        await client.chat(S, messages=[{"role": "user", "content": "x"}], stream=True)
    except julep.ClientClosedError as exc:
        return str(exc)
    return ""


async_message = asyncio.run(run_async())
print("JulepApi:     ", sync_message)
print("AsyncJulepApi:", async_message)
sys.exit(1 if sync_message != async_message.replace(base, base) and "chat" not in sync_message else 0)
