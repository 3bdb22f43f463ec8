"""AsyncJulepApi under trio: chat_stream (README's streaming example) and chat(stream=True)
still raise asyncio's bare 'RuntimeError: no running event loop', not the JulepError that
f707ec3 promises for AsyncJulepApi used where no asyncio loop runs."""
import sys
import trio
from julep import AsyncJulepApi
from julep.errors import JulepError
from julep.server.local import LocalServer

bad = 0
with LocalServer() as srv:
    async def main() -> None:
        global bad
        async with AsyncJulepApi(api_key="k", base_url=srv.base_url, trust_env=False) as c:
            for name in ("chat_stream", "chat(stream=True)"):
                try:
                    if name == "chat_stream":
                        async with c.chat_stream("s", messages=[{"role": "user", "content": "hi"}]) as s:
                            async for _ in s:
                                pass
                    else:
                        await c.chat("s", messages=[{"role": "user", "content": "hi"}], stream=True)
                except JulepError as exc:
                    print(f"ok: {name}: JulepError: {exc}")
                except RuntimeError as exc:
                    print(f"BUG: {name}: bare {type(exc).__name__}: {exc}")
                    bad += 1
    trio.run(main)
sys.exit(1 if bad else 0)
