"""chat(stream=True): a broken stream is retried; when the retry then fails with a
status error (a 500), the exception's retries_taken says 0, though one retry was
taken (the request went out twice). chat(stream=False) reports the total.

Expected: retries_taken == number of retries made (1). Exits 1 when wrong."""
import asyncio, random, sys
from julep import RetryPolicy
from julep.client import AsyncJulepApi
from julep.errors import APIError
from julep.server import LocalServer


class Scripted:
    """Fault draws: first request reset, second 500 (draw() calls random() twice)."""
    def __init__(self, kinds):
        self.values = []
        for k in kinds:
            self.values += [{"500": 0.1, "reset": 0.4}[k], 0.99]
    def random(self):
        return self.values.pop(0) if self.values else 0.99


async def main() -> int:
    async with LocalServer(faults="500=0.3,reset=0.3", faults_seed=1) as server:
        server._faults.rng = Scripted([])  # setup without faults
        async with AsyncJulepApi(api_key="k", base_url=server.base_url) as c:
            sid = (await c.create_session(agent_id=(await c.create_agent(name="a")).id)).id
        server._faults.rng = Scripted(["reset", "500"])
        async with AsyncJulepApi(api_key="k", base_url=server.base_url,
                                 max_retries=RetryPolicy(max_retries=1, initial_delay=0.01)) as c:
            try:
                await c.chat(sid, messages=[{"role": "user", "content": "hi"}], stream=True)
            except APIError as e:
                print(type(e).__name__, "retries_taken =", e.retries_taken)
                return 0 if e.retries_taken == 1 else 1
    print("no error?")
    return 1

sys.exit(asyncio.run(main()))
