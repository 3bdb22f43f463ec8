"""A bad enum value is a 422 whose detail does not name the field as it is on the wire
(validation.py: "Every message names the field as it is on the wire"; README: "each is a
422 that names the field"), and shows a Python repr of a pseudo-member:
  preset -> "ChatSettingsPreset: expected one of ..., got <ChatSettingsPreset.BOGUS: 'bogus'>"
  role   -> "messages[0]: InputChatMlMessageRole: ... got <InputChatMlMessageRole.TOOL: 'tool'>"
Also the content-part index is lost: "messages[0].content.text: field required".
"""
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
    chat = f"/api/sessions/{session['id']}/chat"
    msg = [{"role": "user", "content": "x"}]
    cases = {
        "preset": {"messages": msg, "preset": "bogus"},
        "messages[0].role": {"messages": [{"role": "tool", "content": "x"}]},
        "response_format.type": {"messages": msg, "response_format": {"type": "bogus"}},
        "messages[0].content[1].text": {"messages": [{"role": "user", "content": [
            {"type": "text", "text": "a"}, {"type": "text"}]}]},
    }
    bad = 0
    for field, body in cases.items():
        status, _, err = request(port, "POST", chat, body)
        detail = err.get("detail", "") if isinstance(err, dict) else str(err)
        ok = status == 422 and detail.startswith(field + ":") and "<" not in detail
        bad += not ok
        print(f"{'ok ' if ok else 'BAD'} {field}: {status} {detail[:150]}")
raise SystemExit(1 if bad else 0)
