"""create_agent_doc / create_user_doc / create_agent_tool(request={...}): a value
in the dict that cannot be sent is named relative to the body ("content: bytes
cannot be sent as JSON"), not as the argument ("request.content", which the same
call with a CreateDoc model says, and which the NaN check of the same dict says:
"request['metadata']['n'] must hold finite numbers").
"""
from __future__ import annotations

import sys

from julep import CreateDoc, JulepApi

bad = 0
with JulepApi(api_key="sk-repro-0123456", base_url="http://127.0.0.1:9/api", max_retries=0) as client:
    calls = {
        "create_agent_doc(request=CreateDoc(content=b'x'))  [reference]": lambda: client.create_agent_doc(
            "a", request=CreateDoc(title="t", content=b"x")  # type: ignore[arg-type]
        ),
        "create_agent_doc(request={'content': b'x'})": lambda: client.create_agent_doc(
            "a", request={"title": "t", "content": b"x"}
        ),
        "create_user_doc(request={'metadata': {'k': {1}}})": lambda: client.create_user_doc(
            "u", request={"title": "t", "content": "c", "metadata": {"k": {1}}}
        ),
        "create_agent_tool(request={... parameters: {'x': b''}})": lambda: client.create_agent_tool(
            "a", request={"type": "function", "function": {"name": "f", "parameters": {"x": b""}}}
        ),
    }
    for label, call in calls.items():
        try:
            call()
        except Exception as exc:  # noqa: BLE001
            ok = str(exc).startswith("request")
            bad += not ok
            print("ok " if ok else "BAD", label, "->", type(exc).__name__, exc)
sys.exit(1 if bad else 0)
