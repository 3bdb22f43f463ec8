""".dict()/.json() key order differs from julep 0.3.9 for 15 models (0.3.9 order in comments), so
snapshot tests / cache keys built from `.json()` text change. Exits 1 while any differ."""
import sys
from julep.api import FunctionDef, NamedToolChoice, NamedToolChoiceFunction, Agent
from julep.api.client import JulepApi
from julep.server import LocalServer

bad = 0
got = FunctionDef(name="n", parameters={}, description="d").json()
want = '{"description": "d", "name": "n", "parameters": {}}'
print(got, "| 0.3.9:", want); bad += got != want
got = NamedToolChoice(type="function", function=NamedToolChoiceFunction(name="f")).json()
want = '{"type": "function", "function": {"name": "f"}}'
print(got, "| 0.3.9:", want); bad += got != want
with LocalServer() as s, JulepApi(api_key="k", base_url=s.base_url) as c:
    keys = list(c.get_agent(c.create_agent(name="A").id).dict())
    want = ["name", "about", "created_at", "updated_at", "id", "default_settings", "model", "metadata", "instructions"]
    print(keys, "| 0.3.9:", want); bad += keys != want
sys.exit(1 if bad else 0)
