"""A list ``limit`` over 1000 is a 422 here; the 0.3 server served it.

README: "Code and tests written for the hosted 0.3.x API run against the local server
unchanged, because it copies that server (julep-ai/julep at the 0.3.9 release, commit
b5c59b2a1) where users could tell the difference." That server's list routes took
``limit: int = 100`` with no bound (agents-api/agents_api/routers/*/routers.py:
list_agents, list_users, list_sessions, list_docs, list_tools, get_history,
get_suggestions), so 0.3.x code reading a long history in one call
(``get_history(session_id, limit=5000)``) worked there and fails here. The spec's
"maximum 1000" is what this server enforces; README never mentions the bound.
Exits 1 when such a call is refused.
"""

from __future__ import annotations

import sys

import julep
from julep import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as c:
    session = c.create_session(agent_id=c.create_agent(name="a").id)
    try:
        c.get_history(session.id, limit=5000)
        print("get_history(limit=5000): served")
        sys.exit(0)
    except julep.UnprocessableEntityError as error:
        print("get_history(limit=5000):", error.status_code, error.body)
        sys.exit(1)
