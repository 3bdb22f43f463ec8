"""A JSON error body nested ~1000 levels deep (orjson parses up to 1024) makes the
call raise a bare RecursionError instead of a julep error: the APIStatusError
message does str(body), which overflows the recursion limit. The same for a
mid-stream {"error": [[[...]]]} event of a streamed chat.
README (Limits): "Whatever a server, proxy or gateway sends, a call ends ...
with an error from julep.JulepError's tree".
Exit 1 if anything but a JulepError comes out.
"""
import asyncio, sys, threading
import julep

DEEP = b"[" * 1000 + b"]" * 1000

async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    if b"/chat" in head:
        body = b'data: {"error": ' + DEEP + b"}\n\n"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
    else:
        body = b'{"detail": ' + DEEP + b"}"
        writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
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
bad = False
with julep.JulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api", max_retries=0) as client:
    for name, call in [("list_agents", lambda: client.list_agents()),
                       ("chat(stream=True)", lambda: client.chat("00000000-0000-0000-0000-000000000002",
                                                                 messages=[{"role": "user", "content": "hi"}], stream=True))]:
        try:
            call()
        except julep.JulepError as error:
            print(name, "->", type(error).__name__, str(error)[:80])
        except Exception as error:
            bad = True
            print(name, "-> raw", type(error).__name__, str(error)[:80])
sys.exit(1 if bad else 0)
