"""A timestamp sent as epoch milliseconds (1714564800000, what a JavaScript server's
Date.now() gives) or as an epoch in a string made get_agent raise ResponseValidationError;
julep 0.3.9 (pydantic v1) read both (contract 3.10: "tolerates epoch numbers")."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _capture import ID, Capture

from julep.client import JulepApi

bad = []
cap = Capture()
with JulepApi(api_key="k", base_url=cap.base_url, max_retries=0) as client:
    for created_at in [1714564800000, "1714564800"]:
        cap.answer = {"id": ID, "name": "n", "model": "m", "created_at": created_at}
        try:
            print(repr(created_at), "->", client.get_agent(agent_id=ID).created_at)
        except Exception as exc:
            bad.append(f"created_at={created_at!r}: {type(exc).__name__}: {exc}")
for line in bad:
    print("DEFECT:", line)
sys.exit(1 if bad else 0)
