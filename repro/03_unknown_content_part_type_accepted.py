"""Chat accepts a message content part of an unknown type ({"type": "bogus"}), stores it,
and serves it back in the history. The contract's parts are text | image_url (contract
§3.7) and "Enum values must lie inside the sets in section 3" (§4): julep 0.3.9 then cannot
read that session's history at all (pydantic ValidationError), for good.
Expected: 422 naming messages[0].content[0].type. Exits 1 when the chat is accepted.
"""
import os
import subprocess

from _server import request, serve

import os
if os.environ.get("PORT"):
    import contextlib
    _ctx = contextlib.nullcontext((int(os.environ["PORT"]), None))
else:
    _ctx = serve()
with _ctx as (port, _):
    _, _, agent = request(port, "POST", "/api/agents", {"name": "A"})
    _, _, session = request(port, "POST", "/api/sessions", {"agent_id": agent["id"]})
    sid = session["id"]
    status, _, body = request(
        port, "POST", f"/api/sessions/{sid}/chat",
        {"messages": [{"role": "user", "content": [{"type": "bogus", "x": 1}]}]},
    )
    print("chat with a part of type 'bogus':", status, str(body)[:120])
    _, _, history = request(port, "GET", f"/api/sessions/{sid}/history")
    print("history[0].content:", history["items"][0]["content"] if history.get("items") else None)
    old = "/work/venv039/bin/python"
    if status == 200 and os.path.exists(old):
        code = (
            "from julep.api.client import JulepApi\n"
            f"c = JulepApi(api_key='x', base_url='http://127.0.0.1:{port}/api')\n"
            f"c.get_history(session_id='{sid}')\n"
        )
        run = subprocess.run([old, "-c", code], capture_output=True, text=True, cwd="/tmp")
        print("julep 0.3.9 get_history:", "OK" if run.returncode == 0
              else run.stderr.strip().splitlines()[-1][:200])
    raise SystemExit(1 if status == 200 else 0)
