"""pydantic v1 model idioms that ran on julep 0.3.9's models: dict(model), for k, v in model,
model.copy(update=...), Model.parse_obj(d), Model.parse_raw(s), Model.__fields__."""
import sys
from julep.api import Agent
from julep.api.client import JulepApi
from julep.server import LocalServer

bad = 0
with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    agent = client.get_agent(client.create_agent(name="A").id)
    for label, fn in [
        ("dict(agent)", lambda: dict(agent)),
        ("for k, v in agent", lambda: [k for k, _ in agent]),
        ("agent.copy(update=...)", lambda: agent.copy(update={"name": "B"})),
        ("Agent.parse_obj(d)", lambda: Agent.parse_obj(agent.dict())),
        ("Agent.parse_raw(s)", lambda: Agent.parse_raw(agent.json())),
        ("Agent.__fields__", lambda: Agent.__fields__),
    ]:
        try:
            fn(); print("ok  ", label)
        except Exception as e:
            print("FAIL", label, "->", type(e).__name__, e); bad += 1
sys.exit(1 if bad else 0)
