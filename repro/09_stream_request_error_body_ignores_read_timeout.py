"""For a streamed chat, an answer that is not an event stream (a 500 page, or JSON
from a server ignoring the stream request) is read with no read limit: a body
that trickles in takes the whole total deadline on the first attempt (no retry),
and with Timeout(read=..., total=None) it would never end (each byte resets the
idle timer). Timeout.read is "for one attempt, from sending the request to the
end of the body"; chat(stream=False) honours it against the same server.
Expected (read=1, total=6, 2 retries): ~3 s and 2 retries. Exit 1 otherwise.
"""
import asyncio, sys, threading, time
import julep

async def handle(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                await reader.readexactly(int(line.split(b":")[1]))
        writer.write(b"HTTP/1.1 500 Oops\r\nContent-Type: text/html\r\nContent-Length: 100000\r\n\r\n")
        for _ in range(200):
            writer.write(b" "); await writer.drain(); await asyncio.sleep(0.3)
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
timeout = julep.Timeout(read=1, total=6, stream_idle=2)
policy = julep.RetryPolicy(max_retries=2, initial_delay=0.1, max_delay=0.1)
with julep.JulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api", timeout=timeout, max_retries=policy) as client:
    started = time.monotonic()
    try:
        client.chat("00000000-0000-0000-0000-000000000002", messages=[{"role": "user", "content": "hi"}], stream=True)
    except julep.APIError as error:
        retries = error.retries_taken
        print(type(error).__name__, str(error)[:110])
    took = time.monotonic() - started
print(f"took {took:.2f} s, {retries} retries")
sys.exit(0 if took < 4 and retries == 2 else 1)
