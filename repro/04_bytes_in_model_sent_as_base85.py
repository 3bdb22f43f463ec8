"""Bytes inside a model argument are sent as base85 gibberish, silently.

InputChatMlMessage(role="user", content=b"bytes") (text read from a file in
"rb" mode, say) goes out as {"content": "VtI6Ba{"}: the cattrs orjson preset
the converter is built from writes bytes as base85 text. The same bytes in a
dict argument are refused before sending (TypeError naming the field), and
julep 0.3.9's pydantic model decoded them to "bytes".

Expected: TypeError naming messages[0].content, nothing sent.
Exits 1 when the message is sent (and shows what the model received)."""

import sys

from julep import CreateDoc, InputChatMlMessage, JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    agent = client.create_agent(name="a")
    session = client.create_session(agent_id=agent.id)
    try:
        client.chat(session.id, messages=[{"role": "user", "content": b"bytes"}])
    except TypeError as exc:
        print("dict form refused:", exc)
    sent = False
    try:
        client.chat(session.id, messages=[InputChatMlMessage(role="user", content=b"bytes")])
        sent = True
        print("model form sent; history holds:", [m.content for m in client.get_history(session.id).items])
    except TypeError as exc:
        print("model form refused:", exc)
    try:
        client.create_agent_doc(agent.id, request=CreateDoc(title="t", content="c", metadata={"raw": b"x"}))
        sent = True
        print("doc metadata sent as:", client.get_agent_docs(agent.id).items[0].metadata)
    except TypeError as exc:
        print("doc metadata refused:", exc)
sys.exit(1 if sent else 0)
