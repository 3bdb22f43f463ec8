"""0.3.9 sent these calls and the server's refusal came back as ApiError (contract 1.2: "limit=0 is
sent as 0"; README: the 0.3 server took any limit). Here each raises ValueError/TypeError before any
request, so 0.3.9 code that handles bad input with `except ApiError` crashes instead; and
limit="5" (a str, e.g. from argv / a query string), which 0.3.9 sent and the server accepted, is refused."""
import sys
from julep.api.core.api_error import ApiError
from julep.api.client import JulepApi
from julep.server import LocalServer

bad = 0
with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as c:
    ag = c.create_agent(name="A").id
    se = c.create_session(agent_id=ag).id
    cases = {
        "list_agents(limit=0)": lambda: c.list_agents(limit=0),
        "list_agents(offset=-1)": lambda: c.list_agents(offset=-1),
        "list_agents(limit='5')  [0.3.9: OK]": lambda: c.list_agents(limit="5"),
        "list_agents(metadata_filter='{bad')": lambda: c.list_agents(metadata_filter="{bad"),
        "list_agents(sort_by='name')": lambda: c.list_agents(sort_by="name"),
        "get_history(se, limit=0)": lambda: c.get_history(se, limit=0),
        "chat(se, messages=[])": lambda: c.chat(se, messages=[]),
        "chat(stop=5 strings)": lambda: c.chat(se, messages=[{"role": "user", "content": "x"}], stop=list("abcde")),
        "create_agent(name=None)": lambda: c.create_agent(name=None),
        "update_agent(about=None)": lambda: c.update_agent(ag, about=None, name="n"),
        "get_agent(agent_id='')": lambda: c.get_agent(agent_id=""),
    }
    for label, call in cases.items():
        try:
            call(); print("ok      ", label)
        except ApiError as e:
            print("ApiError", label, e.status_code)
        except Exception as e:
            print("DIFFERS ", label, "->", type(e).__name__, e); bad += 1
sys.exit(1 if bad else 0)
