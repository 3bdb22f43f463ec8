"""Leaving the with block of a sync stream (or iterator) after its client was closed
raises ClientClosedError from __exit__; on AsyncJulepApi the same code exits quietly.
The same close() call inside SyncIterator.__next__'s error path also replaced the
error that ended the iteration with that bare ClientClosedError. Needs the local
server: JULEP_API_URL / JULEP_API_KEY set (python -m julep serve). Exits 1 while present."""

import asyncio
import sys

import julep

failures = []

client = julep.JulepApi()
agent = client.create_agent(name="r6")
session = client.create_session(agent_id=agent.id)
try:
    with client.chat_stream(session.id, messages=[{"role": "user", "content": "hi"}]) as stream:
        next(stream)
        client.close()
except julep.ClientClosedError as exc:
    failures.append(f"JulepApi: leaving the stream's with block raised {exc!r}")


async def same_on_async() -> None:
    aclient = julep.AsyncJulepApi()
    async with aclient.chat_stream(session.id, messages=[{"role": "user", "content": "hi"}]) as st:
        await st.__anext__()
        await aclient.close()


asyncio.run(same_on_async())  # exits quietly
print("\n".join(failures) or "same on both clients")
sys.exit(1 if failures else 0)
