"""A julep model placed in another model argument's free-form field (a CreateDoc's
metadata, one of create_agent's docs) is sent without the wire check every other
model argument gets: AgentDefaultSettings(temperature="hot") or
InputChatMlMessage(role="user", content=5) goes out as {"temperature": "hot"} /
{"content": 5}. The same model one level up (create_agent(metadata={"s": ...}))
is refused before sending ("metadata.s.temperature: expected a number, got
string"), as README "Errors" promises for a model whose fields hold the wrong type.
(Not fixed: the outer model's unstructure turns the inner one into a dict first.)
"""
from __future__ import annotations

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _harness import Capture  # noqa: E402

from julep import AgentDefaultSettings, APIStatusError, CreateDoc, JulepApi  # noqa: E402

server = Capture()
bad = 0
with JulepApi(api_key="sk-repro-0123456", base_url=server.base_url, max_retries=0) as client:
    hot = AgentDefaultSettings(temperature="hot")  # type: ignore[arg-type]
    calls = {
        "create_agent(metadata={'s': hot})  [reference]": lambda: client.create_agent(name="a", metadata={"s": hot}),
        "create_agent_doc(request=CreateDoc(metadata={'s': hot}))": lambda: client.create_agent_doc(
            "a", request=CreateDoc(title="t", content="c", metadata={"s": hot})
        ),
        "create_agent(docs=[CreateDoc(metadata={'s': hot})])": lambda: client.create_agent(
            name="a", docs=[CreateDoc(title="t", content="c", metadata={"s": hot})]
        ),
    }
    for label, call in calls.items():
        try:
            call()
        except APIStatusError:
            bad += 1
            print("BAD", label, "-> sent:", server.bodies[-1].decode()[:120])
        except TypeError as exc:
            print("ok ", label, "->", exc)
sys.exit(1 if bad else 0)
