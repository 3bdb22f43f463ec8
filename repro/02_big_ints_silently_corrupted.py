"""Integers outside 64 bits: read back silently wrong, and refused on the way out.

README "Models": "metadata survives the round trip". julep 0.3.9 (httpx + pydantic) sent
metadata={"n": 2**70} and read token_budget=10**25 exactly; this SDK (orjson) turns big
integer literals into floats on decode and raises TypeError on encode.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from _capture import ID, Capture  # noqa: E402

from julep.client import JulepApi  # noqa: E402

bad = []
body = (
    b'{"id":"%s","name":"n","model":"m","metadata":{"acct":123456789012345678901234567890,'
    b'"neg":-9223372036854775809}}' % ID.encode()
)
cap = Capture(answer=body)
with JulepApi(api_key="k", base_url=cap.base_url, max_retries=0) as client:
    meta = client.get_agent(agent_id=ID).metadata
    print("metadata read:", meta)
    if meta != {"acct": 123456789012345678901234567890, "neg": -9223372036854775809}:
        bad.append(f"metadata big ints decoded wrong: {meta}")
    cap.answer = b'{"id":"%s","agent_id":"%s","token_budget":10000000000000000000000000}' % (
        ID.encode(), ID.encode())
    tb = client.get_session(session_id=ID).token_budget
    print("token_budget read:", tb)
    if tb != 10**25:
        bad.append(f"token_budget 10**25 decoded as {tb}")
    cap.answer = b'{"id":"%s","created_at":"2024-05-01T12:00:00Z"}' % ID.encode()
    try:
        client.create_agent(name="n", metadata={"n": 2**70})
        print("sent:", cap.bodies[-1][2])
    except Exception as exc:
        bad.append(f"create_agent(metadata={{'n': 2**70}}) raised {type(exc).__name__}: {exc}")
for line in bad:
    print("DEFECT:", line)
sys.exit(1 if bad else 0)
