"""wait_for_job(timeout=1) takes as long as the client's own timeout when one poll stalls.

Docstring: "After ``timeout`` seconds it raises APITimeoutError." The first poll
says in_progress; the server never answers the second. With the client's
timeout=8, wait_for_job(timeout=1) returned only after ~8.7 s.
Exit 1 if it takes more than 2 s.
"""
import asyncio, sys, threading, time
import julep

JOB = "00000000-0000-0000-0000-000000000003"
BODY = ('{"id": "%s", "name": "j", "created_at": "2024-01-01T00:00:00Z", "state": "in_progress"}' % JOB).encode()

async def handle(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(BODY) + BODY)
    await writer.drain()
    await reader.readuntil(b"\r\n\r\n")
    await asyncio.sleep(60)

def serve(ready, port):
    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1]); ready.set()
        await server.serve_forever()
    asyncio.run(main())

ready, port = threading.Event(), []
threading.Thread(target=serve, args=(ready, port), daemon=True).start(); ready.wait(5)
with julep.JulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api", timeout=8) as client:
    started = time.monotonic()
    try:
        client.wait_for_job(JOB, timeout=1)
    except julep.APITimeoutError as error:
        print(type(error).__name__, str(error)[:120])
    took = time.monotonic() - started
print(f"wait_for_job(timeout=1) took {took:.2f} s")
sys.exit(0 if took < 2 else 1)
