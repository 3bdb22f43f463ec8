"""chat(stream=True) is not retried when the stream breaks off, though it hides the stream
and the server would replay the answer for the same Idempotency-Key.

README: "chat(stream=True) reads the stream for you and returns the whole ChatResponse";
"Connection errors ... are retried. Every non-GET request carries an Idempotency-Key
header, the same on every retry of one call, so a server that remembers keys (the local
one does) applies a retried create or chat once."

Against the local server with injected connection resets (``--faults reset=...``: the
work is applied, then the connection drops), chat() survives every reset by retrying
(the retry is replayed), but chat(stream=True) raises StreamError whenever the reset
hits after the stream opened: the caller sees no partial stream, has nothing to resume,
and a retry with the call's key would have been safe. Exits 1 when chat(stream=True)
fails where chat() does not.
"""

from __future__ import annotations

import sys

import julep
from julep import JulepApi, RetryPolicy
from julep.server import LocalServer

POLICY = RetryPolicy(max_retries=10, initial_delay=0.01, max_delay=0.05)


def failures(stream: bool) -> int:
    with (
        LocalServer(faults="reset=0.4", faults_seed=3) as server,
        JulepApi(api_key="k", base_url=server.base_url, max_retries=POLICY) as client,
    ):
        agent = client.create_agent(name="a")
        session = client.create_session(agent_id=agent.id)
        failed = 0
        for i in range(20):
            try:
                if stream:
                    client.chat(
                        session.id, messages=[{"role": "user", "content": f"m{i}"}], stream=True
                    )
                else:
                    client.chat(session.id, messages=[{"role": "user", "content": f"m{i}"}])
            except julep.JulepError as error:
                failed += 1
                if failed == 1:
                    print(f"  first failure: {type(error).__name__}: {str(error)[:110]}")
        return failed


plain = failures(stream=False)
print(f"chat(): {plain} of 20 calls failed")
streamed = failures(stream=True)
print(f"chat(stream=True): {streamed} of 20 calls failed")
sys.exit(1 if streamed > plain else 0)
