"""An SSE block with an `event:` line and no `data:` line (e.g. `event: ping`) is
dispatched as an event with empty data, which then fails as "not a valid chunk"
and breaks the whole stream. The SSE spec (HTML Living Standard, "dispatch the
event": if the data buffer is empty, reset and return) delivers no event for it.
Exit 1 if the stream fails.
"""
import asyncio, sys, threading
import julep

BODY = (b'event: ping\n\n'
        b'data: {"id": "c1", "delta": {"content": "Hi"}}\n\n'
        b'data: {"id": "c1", "finish_reason": "stop"}\n\n'
        b'data: [DONE]\n\n')

async def handle(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
    await writer.drain()

def serve(ready, port):
    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1]); ready.set()
        await server.serve_forever()
    asyncio.run(main())

ready, port = threading.Event(), []
threading.Thread(target=serve, args=(ready, port), daemon=True).start(); ready.wait(5)
with julep.JulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api") as client:
    try:
        reply = client.chat("00000000-0000-0000-0000-000000000002",
                            messages=[{"role": "user", "content": "hi"}], stream=True)
        print("reply:", reply.response[0][0].content)
    except julep.JulepError as error:
        print(type(error).__name__, error)
        sys.exit(1)
