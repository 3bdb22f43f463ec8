"""A proxy's credentials (Proxy-Authorization: Basic base64(user:password), i.e.
the password) reach error messages and log lines when the proxy echoes the
request: in its 502 page (http:// API), or in a header line aiohttp refuses
(the answer to CONNECT, https:// API).
README (Networks): "user:pass@ in the proxy URL is sent to the proxy only
(Proxy-Authorization) and shown as *** in logs and errors."
Exit 1 if the encoded credentials appear.
"""
import asyncio, base64, io, logging, sys, threading, traceback
import julep

PASSWORD = "proxy-pw-0123456789"
ENCODED = base64.b64encode(f"user:{PASSWORD}".encode()).decode()

async def handle(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    echoed = [h for h in head.split(b"\r\n") if h.lower().startswith(b"proxy-auth")][0]
    if head.startswith(b"CONNECT"):
        writer.write(b"HTTP/1.1 200 OK\r\nX-Echo: " + echoed + b"a" * 9000 + b"\r\n\r\n")
    else:
        body = b"bad gateway for " + head
        writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
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
log = io.StringIO(); logging.basicConfig(level=logging.INFO, stream=log)
leaked = False
for scheme in ("http", "https"):
    with julep.JulepApi(api_key="some-api-key", base_url=f"{scheme}://api.example.invalid/api",
                        proxy=f"http://user:{PASSWORD}@127.0.0.1:{port[0]}", max_retries=0) as client:
        try:
            client.list_agents()
        except julep.APIError as error:
            text = "".join(traceback.format_exception(error))
            print(scheme, "leak" if ENCODED in text else "clean", "|", str(error)[:140])
            leaked |= ENCODED in text
if ENCODED in log.getvalue():
    leaked = True; print("log: leak")
sys.exit(1 if leaked else 0)
