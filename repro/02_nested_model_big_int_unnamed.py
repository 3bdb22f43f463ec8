"""A julep model nested inside another model argument (a CreateDoc's metadata, a
tool's parameters, one of create_agent's docs) whose float field holds an int past
a float's range is not named: "request.metadata.s: AgentDefaultSettings cannot be
sent as JSON (Integer exceeds 64-bit range); is a field of the wrong type?".

The same model one level up (metadata={"s": AgentDefaultSettings(temperature=10**400)})
is named ("metadata.s.temperature: expected a number a float can hold, got a larger
int"), as 69a22f8 promises for a model field holding an int past a float's range.
"""
from __future__ import annotations

import sys

from julep import AgentDefaultSettings, CreateDoc, CreateToolRequest, FunctionDef, JulepApi

BIG = 10**400
client = JulepApi(api_key="sk-repro-0123456", base_url="http://127.0.0.1:9/api", max_retries=0)
calls = {
    "create_agent_doc(request=CreateDoc(metadata={'s': ADS}))": lambda: client.create_agent_doc(
        "a", request=CreateDoc(title="t", content="c", metadata={"s": AgentDefaultSettings(temperature=BIG)})
    ),
    "create_agent_tool(request=...parameters={'x': ADS})": lambda: client.create_agent_tool(
        "a",
        request=CreateToolRequest(
            type="function", function=FunctionDef(name="f", parameters={"x": AgentDefaultSettings(temperature=BIG)})
        ),
    ),
    "create_agent(docs=[CreateDoc(metadata={'n': ADS})])": lambda: client.create_agent(
        name="a", docs=[CreateDoc(title="t", content="c", metadata={"n": AgentDefaultSettings(temperature=BIG)})]
    ),
}
bad = 0
for label, call in calls.items():
    try:
        call()
        message = "sent"
    except Exception as exc:  # noqa: BLE001
        message = f"{type(exc).__name__}: {exc}"
    ok = ".temperature: expected a number a float can hold" in message
    bad += not ok
    print("ok " if ok else "BAD", label, "->", message[:200])
client.close()
sys.exit(1 if bad else 0)
