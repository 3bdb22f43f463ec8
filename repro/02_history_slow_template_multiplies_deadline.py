"""Local server, render_templates session: a user's message quoting a slow template
is echoed back by the echo model; the reply is history, rendered on every later chat.
Since history messages that fail to render are passed as written, each such reply now
costs the full 2 s render DEADLINE (a timeout) on every later chat, one after another:
templates.DEADLINE says 2 s "of rendering for all the templates of one chat".
With 4 such replies in history, a later chat takes ~8 s (and holds the one renderer,
so other sessions' template chats get 503 meanwhile).

Expected: a chat spends at most ~DEADLINE rendering. Exits 1 when a chat takes > 4 s."""
import asyncio, sys, time
from julep.client import AsyncJulepApi
from julep.server import LocalServer

SLOW = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"

async def main() -> int:
    async with LocalServer() as server:
        async with AsyncJulepApi(api_key="k", base_url=server.base_url, timeout=120) as c:
            agent = await c.create_agent(name="a")
            sid = (await c.create_session(agent_id=agent.id, render_templates=True)).id
            for i in range(4):
                t = time.monotonic()
                await c.chat(sid, messages=[{"role": "user", "content": f"loop {i}: {SLOW}"}])
                print(f"chat {i} took {time.monotonic() - t:.1f} s", flush=True)
            t = time.monotonic()
            await c.chat(sid, messages=[{"role": "user", "content": "hello"}])
            took = time.monotonic() - t
            print(f"plain chat after 4 slow replies took {took:.1f} s")
            return 1 if took > 4 else 0

sys.exit(asyncio.run(main()))
