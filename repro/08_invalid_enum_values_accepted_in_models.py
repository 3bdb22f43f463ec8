"""AgentDefaultSettings(preset="nope") and ChatMlImageContentPartImageUrl(detail="hi") are
accepted at construction and sent; julep 0.3.9 raised ValidationError at construction, and
this SDK refuses the same typo in chat(preset="nope") and ChatSettingsResponseFormat(type=...)
before sending. The server answers 422 a round trip later."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _capture import ID, Capture

import julep
from julep.client import JulepApi

bad = []
cap = Capture()
with JulepApi(api_key="k", base_url=cap.base_url, max_retries=0) as client:
    for label, call in [
        ("AgentDefaultSettings(preset='nope')",
         lambda: client.create_agent(name="n", default_settings=julep.AgentDefaultSettings(preset="nope"))),
        ("ChatMlImageContentPartImageUrl(detail='hi')",
         lambda: client.chat(session_id=ID, messages=[julep.InputChatMlMessage(role="user", content=[
             julep.ChatMlImageContentPart(image_url=julep.ChatMlImageContentPartImageUrl(url="u", detail="hi"))])])),
    ]:
        sent = len(cap.bodies)
        try:
            call()
        except (ValueError, TypeError) as exc:
            print(label, "refused:", exc)
            continue
        if len(cap.bodies) > sent:
            bad.append(f"{label} was sent: {cap.bodies[-1][2]!r}")
for line in bad:
    print("DEFECT:", line)
sys.exit(1 if bad else 0)
