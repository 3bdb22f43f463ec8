"""Model arguments with a field of the wrong type: some are sent and refused by
the server (a request made for a local mistake), the others fail with a
message that names neither the field nor what was wrong with it.

Guide: "Errors from bad input are clear (which argument, what was wrong) and
raised before any request."

  InputChatMlMessage(role="user", content=5)       -> sent; server 422 messages[0].content
  CreateDoc(title=1, content="c")                  -> sent; server 422 title
  AgentDefaultSettings(temperature="hot")          -> sent; server 422
  FunctionDef(name="f", parameters=None)           -> TypeError "function: FunctionDef cannot be
        sent as JSON ('NoneType' object has no attribute 'items')" (field 'parameters' not named)
  NamedToolChoice(type="function", function="f")   -> "... ('str' object has no attribute '_present')"
  create_agent_doc(request=CreateDoc(..., metadata=[1]))
                                                   -> "the body: CreateDoc cannot be sent ..."
        (the argument is 'request'; 'the body' is not something the caller passed)

Exits 1 while any of these is sent or unnamed."""

import sys

from julep import (
    AgentDefaultSettings,
    CreateDoc,
    FunctionDef,
    InputChatMlMessage,
    JulepApi,
    NamedToolChoice,
    UnprocessableEntityError,
)
from julep.server import LocalServer

bad = 0
with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as client:
    agent = client.create_agent(name="a")
    session = client.create_session(agent_id=agent.id)
    tool = client.create_agent_tool(agent.id, request={"type": "function", "function": {"name": "f", "parameters": {}}})
    cases = [
        ("content=5", lambda: client.chat(session.id, messages=[InputChatMlMessage(role="user", content=5)]), "content"),
        ("title=1", lambda: client.create_agent_doc(agent.id, request=CreateDoc(title=1, content="c")), "title"),
        ("temperature='hot'", lambda: client.patch_agent(agent.id, default_settings=AgentDefaultSettings(temperature="hot")), "temperature"),
        ("parameters=None", lambda: client.update_agent_tool(agent.id, tool.id, function=FunctionDef(name="f", parameters=None)), "parameters"),
        ("NamedToolChoice function='f'", lambda: client.chat(session.id, messages=[{"role": "user", "content": "x"}], tool_choice=NamedToolChoice(type="function", function="f")), "tool_choice.function"),
        ("CreateDoc metadata=[1]", lambda: client.create_agent_doc(agent.id, request=CreateDoc(title="t", content="c", metadata=[1])), "request"),
    ]
    for label, call, field in cases:
        try:
            call()
            print(f"{label}: accepted and sent")
            bad += 1
        except UnprocessableEntityError as exc:
            print(f"{label}: SENT, server refused: {exc.body}")
            bad += 1
        except (TypeError, ValueError) as exc:
            named = str(exc).startswith(field) or f".{field}" in str(exc).split(":")[0] or f"{field}" in str(exc).split(":")[0].split(".")[-1]
            print(f"{label}: {'ok' if named else 'UNNAMED'}: {exc}")
            bad += 0 if named else 1
sys.exit(1 if bad else 0)
