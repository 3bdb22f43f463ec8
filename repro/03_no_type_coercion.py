"""julep 0.3.9 coerced values like pydantic: AgentDefaultSettings(temperature="0.5") was 0.5,
CreateDoc(title=1) was "1". Here the string stays and the call raises TypeError."""
import sys
from julep.api import AgentDefaultSettings, CreateDoc
from julep.api.client import JulepApi
from julep.server import LocalServer

bad = 0
s = AgentDefaultSettings(temperature="0.5")  # e.g. read from os.environ
print("temperature:", repr(s.temperature))
with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    try:
        client.create_agent(name="A", default_settings=s)
    except TypeError as e:
        print("BUG (0.3.9 sent 0.5):", e); bad += 1
    d = CreateDoc(title=1, content="x")
    print("title:", repr(d.title), "(0.3.9: '1')")
    bad += not isinstance(d.title, str)
sys.exit(1 if bad else 0)
