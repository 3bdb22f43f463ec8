"""After deleting an agent (or user), its docs survive (deletes never cascade) but can no
longer be listed: GET /agents/{id}/docs is 404 "Agent not found". There is no GET of a
doc by its own id, so the surviving docs cannot be read at all.

The Julep 0.3 server (agents-api at b5c59b2a1, routers/agents/routers.py list_docs and
models/docs/list_docs.py) listed docs by the agent_docs relation with no owner check:
200 with the surviving docs (and 200 {"items": []} for an owner that never existed).
Likewise GET /sessions/{unknown}/history and /suggestions were 200 {"items": []} there
(get_entries_query has no session check; get_suggestions always answered []), 404 here.
README: "after deleting an agent or a user, its sessions, docs, tools and memories stay
readable by their own ids" / "Code and tests written for the hosted 0.3.x API run
against the local server unchanged".
"""

from julep import JulepApi, NotFoundError
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    agent = client.create_agent(name="a", docs=[{"title": "Guide", "content": "Trams."}])
    print("docs before:", [d.title for d in client.get_agent_docs(agent.id).items])
    client.delete_agent(agent.id)
    print("docs rows still stored:", server.count("docs"))
    try:
        print("docs after:", [d.title for d in client.get_agent_docs(agent.id).items])
        raise SystemExit(0)
    except NotFoundError as exc:
        print("get_agent_docs after delete_agent:", exc.status_code, exc.body)
        raise SystemExit(1)
