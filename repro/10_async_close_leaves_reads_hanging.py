"""AsyncJulepApi.close() while a call is reading its body leaves that call waiting:
until the read timeout (default 300 s) for a plain call, until the total deadline
for a chat stream (which then raises APITimeoutError, not ClientClosedError), and
forever with Timeout.NONE. aiohttp drops a closed connection's payload without
failing it, so the reader is never woken. (The headers phase and the sync
client are fine.)
README: "ClientClosedError  the client was closed before or during the call".
Expected: ClientClosedError within a second of close(). Exit 1 otherwise.
"""
import asyncio, sys, threading, time
import julep

async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    if b"/chat" in head:
        event = b'data: {"id": "c", "delta": {"content": "x"}}\n\n'
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
        writer.write(b"%x\r\n%s\r\n" % (len(event), event))
    else:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
    await writer.drain()
    await asyncio.sleep(60)

def serve(ready, port):
    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1]); ready.set()
        await server.serve_forever()
    asyncio.run(main())

ready, port = threading.Event(), []
threading.Thread(target=serve, args=(ready, port), daemon=True).start(); ready.wait(5)
SID = "00000000-0000-0000-0000-000000000002"

async def main(kind):
    client = julep.AsyncJulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api",
                                 timeout=julep.Timeout(read=5, total=8, stream_idle=6))
    async def work():
        if kind == "get_agent":
            await client.get_agent(SID)
        else:
            async with client.chat_stream(SID, messages=[{"role": "user", "content": "hi"}]) as stream:
                async for _ in stream:
                    pass
    task = asyncio.ensure_future(work())
    await asyncio.sleep(0.3)
    closed = time.monotonic()
    await client.close()
    try:
        await task
        outcome = "no error"
    except julep.JulepError as error:
        outcome = type(error).__name__
    took = time.monotonic() - closed
    print(f"{kind}: {outcome} {took:.2f} s after close()")
    return outcome == "ClientClosedError" and took < 1

ok = [asyncio.run(main(kind)) for kind in ("get_agent", "chat_stream")]
sys.exit(0 if all(ok) else 1)
