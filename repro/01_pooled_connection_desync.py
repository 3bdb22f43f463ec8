"""Bytes a server sends on an idle keep-alive connection become the answer to the next request.

The server answers GET #1 correctly, then (200 ms later, while the connection
sits idle in the pool) writes a second, unsolicited response. The SDK's next
call reuses that connection and returns the unsolicited response as the answer
to a request the server has not even answered yet. httpx/httpcore (julep 0.3.9)
refuses a connection that is readable while idle.
Expected: the 2nd call returns name='real' (fresh connection). Exit 1 otherwise.
"""
import asyncio, sys, threading
import julep

def resp(name):
    body = b'{"id": "00000000-0000-0000-0000-000000000001", "name": "%s", "model": "m", "created_at": "2024-01-01T00:00:00Z"}' % name
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

ANSWERED = []

async def handle(reader, writer):
    try:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            if not ANSWERED:
                ANSWERED.append(1)
                writer.write(resp(b"first")); await writer.drain()
                await asyncio.sleep(0.2)
                writer.write(resp(b"SMUGGLED")); await writer.drain()
            else:
                writer.write(resp(b"real")); await writer.drain()
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
AID = "00000000-0000-0000-0000-000000000001"

async def main():
    async with julep.AsyncJulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api") as client:
        print("1st:", (await client.get_agent(AID)).name)
        await asyncio.sleep(0.5)
        second = (await client.get_agent(AID)).name
        print("2nd:", second)
        return second

second = asyncio.run(main())
sys.exit(0 if second == "real" else 1)
