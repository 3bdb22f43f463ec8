"""A caller's subclass of a request model with a field annotated `object` (or any
type cattrs has no hook for) cannot be sent at all: every call raises cattrs'
StructureHandlerNotFoundError ("Unsupported type: <class 'object'>. Register a
structure hook for it."), an exception from a dependency naming no argument, not a
TypeError/ValueError (README "Errors"). julep 0.3.9 sent such a subclass
({"role": "user", "content": "x", "note": "n"}), and this client sends the same
subclass when the field is typed str or typing.Any.
"""
from __future__ import annotations

import sys

import attrs

from julep import CreateDoc, InputChatMlMessage, JulepApi
from julep.server import LocalServer


@attrs.define
class Tagged(InputChatMlMessage):
    note: object = None


@attrs.define
class MyDoc(CreateDoc):
    source: object = None


bad = 0
with LocalServer() as server, JulepApi(api_key="sk-repro-0123456", base_url=server.base_url) as client:
    agent = client.create_agent(name="a")
    session = client.create_session(agent_id=agent.id)
    for label, call in {
        "chat(messages=[Tagged(...)])": lambda: client.chat(
            session.id, messages=[Tagged(role="user", content="hi", note="n")]
        ),
        "create_agent_doc(request=MyDoc(...))": lambda: client.create_agent_doc(
            agent.id, request=MyDoc(title="t", content="c", source="web")
        ),
    }.items():
        try:
            call()
            print("ok ", label)
        except Exception as exc:  # noqa: BLE001
            bad += 1
            print("BAD", label, "->", type(exc).__module__, type(exc).__name__, exc)
sys.exit(1 if bad else 0)
