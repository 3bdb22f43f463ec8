"""Timeout(total=5.05) ends at up to 6 s: aiohttp rounds every timeout >= 5 s up to
the next whole second of the loop clock (ClientTimeout.ceil_threshold=5).

README: "Timeout.total ... the whole call, every retry and backoff included".
Expected: a stalled call with timeout=5.05 raises APITimeoutError after ~5.05 s.
Exit 1 if it took more than 5.4 s.
"""
import asyncio, sys, threading
import julep

async def stall(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(30)

def serve(ready, port):
    async def main():
        server = await asyncio.start_server(stall, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1]); ready.set()
        await server.serve_forever()
    asyncio.run(main())

ready, port = threading.Event(), []
threading.Thread(target=serve, args=(ready, port), daemon=True).start(); ready.wait(5)

async def main():
    async with julep.AsyncJulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api",
                                   timeout=5.05, max_retries=0) as client:
        loop = asyncio.get_running_loop()
        while loop.time() % 1 > 0.05:   # start just after a whole second of the loop clock
            await asyncio.sleep(0.01)
        started = loop.time()
        try:
            await client.list_agents()
        except julep.APITimeoutError:
            pass
        return loop.time() - started

took = asyncio.run(main())
print(f"timeout=5.05 took {took:.3f} s")
sys.exit(0 if took < 5.4 else 1)
