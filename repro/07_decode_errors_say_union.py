"""Decode errors threw away the decoders' own messages: a server answering
"instructions": ["a", null] gave "invalid value for type, expected Union @ $.instructions"
(which item? what was there?), "created_at": "yesterday" gave "expected datetime.datetime | None".
The brief: errors must name the field path; the path stopped at the list."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _capture import ID, Capture

import julep
from julep.client import JulepApi

bad = []
cap = Capture()
with JulepApi(api_key="k", base_url=cap.base_url, max_retries=0) as client:
    for field, value, wanted in [
        ("instructions", ["a", None], "item [1] is null @ $.instructions"),
        ("created_at", "yesterday", "not an RFC 3339 datetime: 'yesterday' @ $.created_at"),
    ]:
        cap.answer = {"id": ID, "name": "n", "model": "m", field: value}
        try:
            client.get_agent(agent_id=ID)
        except julep.ResponseValidationError as exc:
            print(field, "->", str(exc).split(" (GET")[0])
            if wanted not in str(exc):
                bad.append(f"{field}={value!r}: message lacks {wanted!r}")
for line in bad:
    print("DEFECT:", line)
sys.exit(1 if bad else 0)
