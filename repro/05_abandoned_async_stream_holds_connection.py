"""`async for chunk in client.chat_stream(...): break` (no `async with`) keeps the
pooled connection until the server finishes the reply, even after the stream is
garbage-collected: aiohttp's response stays referenced by the connection's EOF
callback. With connection_limit=1 the next call cannot get a connection.

AsyncChatStream's docstring: "Leaving the block, breaking out of the loop, or
aclose() ends the request." (design.md: "Streams must be closed when the caller
breaks out early.") The sync twin frees it on collection; the async one did not.
Exit 1 if the next call fails.
"""
import asyncio, gc, sys, threading
import julep

EVENT = b'data: {"id": "c", "delta": {"content": "x"}}\n\n'
AGENTS = b'{"items": []}'

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    await reader.readexactly(int(line.split(b":")[1]))
            if b"/chat" in head:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                for _ in range(1200):  # a minute of reply
                    writer.write(b"%x\r\n%s\r\n" % (len(EVENT), EVENT)); await writer.drain()
                    await asyncio.sleep(0.05)
            else:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(AGENTS) + AGENTS)
                await writer.drain()
    except Exception:
        writer.close()

def serve(ready, port):
    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1]); ready.set()
        await server.serve_forever()
    asyncio.run(main())

ready, port = threading.Event(), []
threading.Thread(target=serve, args=(ready, port), daemon=True).start(); ready.wait(5)

async def main():
    async with julep.AsyncJulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api",
                                   connection_limit=1) as client:
        async for chunk in client.chat_stream("00000000-0000-0000-0000-000000000002",
                                              messages=[{"role": "user", "content": "hi"}]):
            break
        del chunk
        gc.collect()
        await asyncio.sleep(0.1)
        try:
            await asyncio.wait_for(client.list_agents(), 3)
            print("next call: ok")
            return 0
        except asyncio.TimeoutError:
            print("next call: no connection within 3 s (the abandoned stream still holds it)")
            return 1

sys.exit(asyncio.run(main()))
