"""In a session with render_templates=True, one user message holding "{{" makes every later
chat of the session fail with 400, for good.

The history's assistant messages are rendered as Jinja templates on every turn (as the
0.3 server did, agents_api/routers/sessions/session.py at b5c59b2a1). The echo model, the
default backend that test suites run on, repeats the user's words in its reply, so the
reply "You said: "what does {{ do?"" is stored, and from the next turn on it fails to
render: "template error in history message 2". Only deleting the history recovers. A real
model that quotes template syntax (any answer about Jinja, Vue, Handlebars) does the same.
The user's own message is not rendered (README: "user messages are not rendered"), yet its
text reaches the renderer one turn later. Exits 1 when the second chat fails.
"""

from __future__ import annotations

import sys

import julep
from julep import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as c:
    agent = c.create_agent(name="a")
    session = c.create_session(agent_id=agent.id, render_templates=True)
    first = c.chat(session.id, messages=[{"role": "user", "content": "In Jinja, what does {{ do?"}])
    print("first chat:", first.response[0][0].content)
    failed = 0
    for text in ("thanks", "hello?", "anyone?"):
        try:
            c.chat(session.id, messages=[{"role": "user", "content": text}])
        except julep.BadRequestError as error:
            failed += 1
            print(f"chat {text!r}: {error.status_code} {error.body}")
    sys.exit(1 if failed else 0)
