"""A streamed chunk with a wrong type raises StreamError that quotes the raw event
but does not name the field, unlike the same mistake in a reply read whole
("invalid value for type, expected int @ $.usage.completion_tokens").
Exit 1 if the message lacks the field path.
"""
import asyncio, sys, threading
import julep

BODY = b'data: {"id": "c1", "delta": {"content": "ok"}, "usage": {"completion_tokens": "many", "prompt_tokens": 1, "total_tokens": 2}}\n\n'

async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
    await writer.drain()
    writer.close()

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
        client.chat("00000000-0000-0000-0000-000000000002", messages=[{"role": "user", "content": "hi"}], stream=True)
    except julep.StreamError as error:
        print(error)
        sys.exit(0 if "$.usage.completion_tokens" in str(error) else 1)
