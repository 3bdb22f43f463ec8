"""julep.client.OMIT (the SDK's public 'left out' marker) passed to a query or required argument
reaches the server instead of being handled or refused before any request.

README (Errors): "Bad arguments raise TypeError or ValueError naming the argument, before any
request". README (Beyond 0.3.9): "an optional argument left out is absent".

Observed:
  list_agents(limit=OMIT)                 -> GET /agents?limit=OMIT           -> 422 from the server
  list_agents(sort_by=OMIT / order=OMIT)  -> GET /agents?sort_by=OMIT         -> 422
  get_history(sid, limit=OMIT)            -> GET .../history?limit=OMIT       -> 422
  get_agent_memories(aid, query=OMIT)     -> GET .../memories?query=OMIT      -> 200: searched for the text "OMIT"
  create_agent(name=OMIT)                 -> POST /agents {}                  -> 422 'name: field required'
  update_agent(aid, about=OMIT, name="x") -> PUT  ... {"name": "x"}           -> 422
  update_session(sid, situation=OMIT)     -> PUT  ... {}                      -> 422
  chat(sid, messages=OMIT)                -> "messages: _Omit cannot be sent as JSON ...; is a field of the wrong type?"
  create_agent_doc(aid, request=OMIT)     -> "request must be a CreateDoc or a dict, got None" (it was not None)
Expected: a left-out optional query argument is left out of the URL (as None is); a required
argument given OMIT raises TypeError naming it, before any request.
Exits 1 while any request is sent for these calls.
"""

import sys

from julep import JulepApi
from julep.client import OMIT
from julep.server import LocalServer

requests: list[str] = []
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url, max_retries=0) as c:
    agent = c.create_agent(name="a")
    session = c.create_session(agent_id=agent.id)
    transport = c._async._transport
    original = transport.send

    async def spy(method, url, **kw):
        requests.append(f"{method} {url}")
        return await original(method, url, **kw)

    transport.send = spy
    calls = {
        "list_agents(limit=OMIT)": lambda: c.list_agents(limit=OMIT),
        "list_agents(sort_by=OMIT)": lambda: c.list_agents(sort_by=OMIT),
        "get_history(limit=OMIT)": lambda: c.get_history(session.id, limit=OMIT),
        "get_agent_memories(query=OMIT)": lambda: c.get_agent_memories(agent.id, query=OMIT),
        "create_agent(name=OMIT)": lambda: c.create_agent(name=OMIT),
        "update_agent(about=OMIT)": lambda: c.update_agent(agent.id, about=OMIT, name="x"),
        "update_session(situation=OMIT)": lambda: c.update_session(session.id, situation=OMIT),
        "chat(messages=OMIT)": lambda: c.chat(session.id, messages=OMIT),
        "create_agent_doc(request=OMIT)": lambda: c.create_agent_doc(agent.id, request=OMIT),
    }
    bad = 0
    for label, call in calls.items():
        requests.clear()
        try:
            outcome = f"returned {type(call()).__name__}"
        except Exception as exc:
            outcome = f"{type(exc).__name__}: {str(exc)[:110]}"
        wrong = any("OMIT" in r for r in requests) or (
            requests and label.split("(")[1].split("=")[0] in ("name", "about", "situation", "query")
        )
        wrong = wrong or "got None" in outcome or "_Omit" in outcome
        bad += bool(wrong)
        print("WRONG" if wrong else "ok   ", label, "->", outcome, requests)
sys.exit(1 if bad else 0)
