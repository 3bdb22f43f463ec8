"""One renderer process serves every chat's templates. While a few chats with slow
templates hold it, a chat whose template is fine ("Hello {{ agent.name }}") fails with
400 "template error in the agent's about: timed out waiting for the template renderer
(busy)": the wait counted against its own 2 s deadline, the error blames one of its
fields, and a 400 is not retried by the SDK.
Expected: the good chat renders (200) or gets a retryable 503 naming no field.
"""
import asyncio

import aiohttp

from _server import serve


async def main(port: int) -> int:
    base = f"http://127.0.0.1:{port}/api"
    async with aiohttp.ClientSession() as s:
        async with s.post(base + "/agents", json={"name": "T"}) as r:
            agent_id = (await r.json())["id"]

        async def session(situation: str) -> str:
            body = {"agent_id": agent_id, "situation": situation, "render_templates": True}
            async with s.post(base + "/sessions", json=body) as r:
                return (await r.json())["id"]

        slow = await session(
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
        )
        good = await session("Hello {{ agent.name }}")

        async def chat(session_id: str, delay: float) -> tuple[int, str]:
            await asyncio.sleep(delay)
            body = {"messages": [{"role": "user", "content": "hi"}]}
            async with s.post(base + f"/sessions/{session_id}/chat", json=body) as r:
                return r.status, (await r.text())[:120]

        replies = await asyncio.gather(
            *[chat(slow, 0) for _ in range(3)], *[chat(good, 0.1 * i) for i in range(1, 5)]
        )
    bad = 0
    for index, (status, text) in enumerate(replies):
        which = "slow" if index < 3 else "good"
        print(which, status, text)
        bad += which == "good" and status == 400
    return 1 if bad else 0


with serve() as (port, _):
    raise SystemExit(asyncio.run(main(port)))
