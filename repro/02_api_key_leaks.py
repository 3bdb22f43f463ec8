"""The API key reaches error messages, log lines and tracebacks when a server echoes it.

README (Errors): "The API key never appears in a log line, a repr or an error
message." The SDK blanks the key out of a non-2xx body, but not:
  a) aiohttp's parser errors: a response header line that echoes the request's
     Authorization and is too long / malformed -> APIConnectionError text, the
     INFO log line (JULEP_LOG=info) and the printed __cause__ all hold the key;
  b) a key given as an Authorization header (headers= or with_options(headers=...),
     e.g. one key per tenant) is never blanked from an echoing 401 body;
  c) a streamed chat's mid-stream error event quoting the key -> StreamError text;
  d) a 2xx body that does not validate -> the cattrs cause in the traceback
     quotes the key.
Exit 1 if any of these leaks.
"""
import asyncio, io, json, logging, sys, threading, traceback
import julep

KEY = "sk-SECRETKEY-123456"
TENANT = "sk-tenant-KEY-987654"

def answer(head: bytes, path: bytes) -> bytes:
    auth = [l for l in head.split(b"\r\n") if l.lower().startswith(b"authorization")][0]
    token = auth.split(b" ")[-1]
    if b"/a/" in path:   # (a) a too-long header line echoing the Authorization header
        return b"HTTP/1.1 200 OK\r\nX-Echo: " + auth + b"a" * 9000 + b"\r\nContent-Length: 2\r\n\r\n{}"
    if b"/b/" in path:   # (b) a 401 echoing the key
        body = b'{"detail": "invalid key ' + token + b'"}'
        return b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    if b"/c/" in path:   # (c) a stream whose error event quotes the key
        ev = b"data: " + json.dumps({"error": {"message": "bad key " + token.decode()}}).encode() + b"\n\n"
        return b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(ev) + ev
    # (d) a 2xx whose created_at is the echoed key
    body = b'{"items": [{"id": "x", "name": "n", "model": "m", "created_at": "' + token + b'"}]}'
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body) + body

async def handle(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    await reader.readexactly(int(line.split(b":")[1]))
            writer.write(answer(head, head.split(b" ")[1])); await writer.drain()
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
log = io.StringIO()
logging.basicConfig(level=logging.INFO, stream=log)

leaks = []
def check(case, error, secret):
    text = "".join(traceback.format_exception(error)) + repr(error)
    if secret in text:
        where = "message" if secret in str(error) else "traceback (__cause__)"
        leaks.append(case)
        print(f"{case}: LEAK in {where}: {str(error)[:160]!r}")
    else:
        print(f"{case}: clean")

async def main():
    for case, sub, kw, secret in [
        ("a: header echo", "a", {}, KEY),
        ("b: tenant key in headers", "b", {"headers": {"Authorization": f"Bearer {TENANT}"}}, TENANT),
        ("c: stream error event", "c", {}, KEY),
        ("d: invalid 2xx", "d", {}, KEY),
    ]:
        base = f"http://127.0.0.1:{port[0]}/{sub}/api"
        async with julep.AsyncJulepApi(api_key=KEY, base_url=base, max_retries=0) as client:
            client = client.with_options(**kw) if kw else client
            try:
                if sub == "c":
                    await client.chat("00000000-0000-0000-0000-000000000002",
                                      messages=[{"role": "user", "content": "hi"}], stream=True)
                else:
                    await client.list_agents()
            except julep.JulepError as error:
                check(case, error, secret)

asyncio.run(main())
if KEY in log.getvalue():
    leaks.append("log"); print("log: LEAK:", [l for l in log.getvalue().splitlines() if KEY in l][0][:160])
sys.exit(1 if leaks else 0)
