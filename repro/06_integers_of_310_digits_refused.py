"""Integers of 310 digits or more are refused as invalid JSON, though _bigjson.loads
promises 'integers of any size kept exact' (16273ac, c88c06c): it calls orjson.loads
first, which refuses such a literal ('number is infinity when parsed as double').
The SDK sends create_agent(metadata={"n": 10**400}) (the encoder writes it), and the
local server answers 422 'body: not valid JSON'; a response holding such a number is
a ResponseValidationError. julep 0.3.9 (httpx/json) read and sent it exactly."""
import sys

from julep import JulepApi, _bigjson
from julep.server import LocalServer

N = 10**400
text = b'{"n": %d}' % N
try:
    print("loads:", _bigjson.loads(text)["n"] == N)
except ValueError as exc:
    print("loads: ValueError:", str(exc)[:80])
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url, max_retries=0) as client:
    try:
        agent = client.create_agent(name="a", metadata={"n": N})
    except Exception as exc:
        print("create_agent:", type(exc).__name__, str(exc)[:120])
        sys.exit(1)
    back = client.get_agent(agent.id).metadata["n"]
    found = [a.id for a in client.list_agents(metadata_filter={"n": N}).items]
    print("read back exactly:", back == N, "filter finds it:", found == [agent.id])
    sys.exit(0 if back == N and found == [agent.id] else 1)
