"""A loopback HTTP server that records request bodies and answers canned JSON (repro helper)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

NOW = "2024-05-01T12:00:00Z"
ID = "11111111-1111-4111-8111-111111111111"
CHAT = {
    "id": ID, "finish_reason": "stop",
    "response": [[{"id": ID, "role": "assistant", "content": "hi", "created_at": NOW}]],
    "usage": {"completion_tokens": 1, "prompt_tokens": 1, "total_tokens": 2},
    "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
}


class Capture:
    def __init__(self, answer=None):
        self.bodies = []
        self.answer = answer
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _do(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                outer.bodies.append((self.command, self.path, body))
                if outer.answer is not None:
                    data = outer.answer if isinstance(outer.answer, bytes) else json.dumps(outer.answer).encode()
                elif self.path.endswith("/chat"):
                    data = json.dumps(CHAT).encode()
                elif self.command in ("PUT", "PATCH"):
                    data = json.dumps({"id": ID, "updated_at": NOW}).encode()
                else:
                    data = json.dumps({"id": ID, "created_at": NOW}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _do

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/api"

    def last(self):
        return json.loads(self.bodies[-1][2])
