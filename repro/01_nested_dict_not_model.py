"""julep 0.3.9 (pydantic) turned a dict given for a model field into that model;
Agent(**agent.dict()) / CreateToolRequest(function={...}) then read as attributes.
Before the fix: AttributeError ('dict' object has no attribute ...) and Agent(**a.dict()) != a."""
import sys
from julep.api import Agent, CreateToolRequest, InputChatMlMessage
from julep.api.client import JulepApi
from julep.server import LocalServer

bad = 0
with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    agent = client.get_agent(client.create_agent(name="A", default_settings={"temperature": 0.3}).id)
    rebuilt = Agent(**agent.dict())  # e.g. from a cache
    try:
        print("rebuilt temperature:", rebuilt.default_settings.temperature)
    except AttributeError as e:
        print("BUG:", e); bad += 1
    if rebuilt != agent:
        print("BUG: Agent(**agent.dict()) != agent"); bad += 1
    request = CreateToolRequest(type="function", function={"name": "n", "parameters": {}})
    try:
        print("function name:", request.function.name)
    except AttributeError as e:
        print("BUG:", e); bad += 1
    message = InputChatMlMessage(role="user", content=[{"type": "text", "text": "hi"}])
    try:
        print("content part text:", message.content[0].text)
    except AttributeError as e:
        print("BUG:", e); bad += 1
sys.exit(1 if bad else 0)
