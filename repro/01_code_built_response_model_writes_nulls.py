"""A response model built in code (ChatMlMessage, Doc, Session, Agent...) writes every optional
field it was not given as null, on the wire and in .dict()/.json(); julep 0.3.9 leaves them out
(README "Models": ".dict() and .json(): ... only the fields that are set"; contract 1.1: only
fields the caller set appear)."""
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _capture import ID, Capture  # noqa: E402

import julep  # noqa: E402
from julep.client import JulepApi  # noqa: E402

now = dt.datetime(2024, 5, 1, 12, tzinfo=dt.timezone.utc)
cap = Capture()
bad = []
with JulepApi(api_key="k", base_url=cap.base_url, max_retries=0) as client:
    msg = julep.ChatMlMessage(id=ID, role="user", content="hi", created_at=now)
    client.chat(session_id=ID, messages=[msg])
    print("chat body:", cap.last())
    if "name" in cap.last()["messages"][0]:
        bad.append("chat(messages=[ChatMlMessage(...)]) sends name: null (0.3.9: absent)")
    doc = julep.Doc(id=ID, title="t", content="c", created_at=now)
    client.create_agent_doc(agent_id=ID, request=doc)
    print("doc body:", cap.last())
    if "metadata" in cap.last():
        bad.append("create_agent_doc(request=Doc(...)) sends metadata: null (0.3.9: absent)")
agent = julep.Agent(id="a", name="n", model="m")
print("Agent.dict():", agent.dict())
if agent.dict() != {"id": "a", "name": "n", "model": "m"}:
    bad.append("Agent(id, name, model).dict() has unset fields as None (0.3.9: only the 3 set)")
session = julep.Session(id="s", agent_id="a")
print("Session.json():", session.json())
if "null" in session.json():
    bad.append("Session(id, agent_id).json() has nulls for unset fields (0.3.9: {id, agent_id})")
for line in bad:
    print("DEFECT:", line)
sys.exit(1 if bad else 0)
