"""``help(client.delete_agent)`` / ``delete_user`` (and the Sphinx reference built from
them) say "Delete an agent and everything that belongs to it", but README
("Deletes never cascade": DELETE /agents/{id} cascade none) and the server do the
opposite: the agent's sessions, docs and tools stay. Exits 1 while the docstring
promises a cascade the server does not do.
"""

from __future__ import annotations

import sys

from julep import JulepApi
from julep.server import LocalServer

doc_agent = JulepApi.delete_agent.__doc__ or ""
doc_user = JulepApi.delete_user.__doc__ or ""
print("delete_agent:", doc_agent.strip().splitlines()[0])
print("delete_user:", doc_user.strip().splitlines()[0])
with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as c:
    agent = c.create_agent(name="a", docs=[{"title": "t", "content": "c"}])
    session = c.create_session(agent_id=agent.id)
    c.delete_agent(agent.id)
    left = (c.get_session(session.id).id == session.id, len(c.get_agent_docs(agent.id).items))
    print("after delete_agent: session still readable, docs still listed:", left)
promises_cascade = "everything that belongs to it" in doc_agent + doc_user
sys.exit(1 if promises_cascade and left[0] else 0)
