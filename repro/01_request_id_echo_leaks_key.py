"""A server (or proxy) that echoes the request's Authorization into x-request-id
puts the API key, unredacted, into the status error's message, its request_id, and
the INFO/DEBUG log line of every response.

README "Errors": "The API key never appears in a log line, a repr or an error message."
The SDK already blanks a key echoed in a status line, a header line, a body, a
stream event: the x-request-id header is the one echo it misses.
"""
import asyncio
import io
import logging
import sys
import traceback

import julep

KEY = "sk-supersecret-ABCDEFGH12345678"
AGENT = (b'{"id":"00000000-0000-4000-8000-000000000001","name":"a","model":"m",'
         b'"created_at":"2024-01-01T00:00:00Z","updated_at":"2024-01-01T00:00:00Z"}')


async def handler(reader, writer):
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        auth = next(l for l in head.split(b"\r\n") if l.lower().startswith(b"authorization:"))
        echoed = auth.partition(b":")[2].strip()
        status, body = (b"200 OK", AGENT) if b"/ok" in head.split(b"\r\n")[0] else (b"400 Bad Request", b'{"detail":"no"}')
        writer.write(b"HTTP/1.1 %s\r\nContent-Type: application/json\r\nx-request-id: %s\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (status, echoed, len(body), body))
        await writer.drain()


def main() -> int:
    log = io.StringIO()
    logging.basicConfig(level=logging.DEBUG, stream=log)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handler, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    import threading
    threading.Thread(target=loop.run_forever, daemon=True).start()

    shown = []
    with julep.JulepApi(api_key=KEY, base_url=f"http://127.0.0.1:{port}/api", max_retries=0) as client:
        agent = client.get_agent("ok")  # a success: only the log line
        shown.append(("repr(model)", repr(agent)))
        try:
            client.get_agent("bad")
        except julep.APIStatusError as error:
            shown.append(("str(error)", str(error)))
            shown.append(("error.request_id", str(error.request_id)))
            shown.append(("traceback", "".join(traceback.format_exception(error))))
    shown.append(("log", log.getvalue()))
    leaked = [where for where, text in shown if KEY in text]
    for where, text in shown:
        if KEY in text:
            line = next(l for l in text.splitlines() if KEY in l)
            print(f"LEAK in {where}: {line[:200]}")
    return 1 if leaked else 0


if __name__ == "__main__":
    sys.exit(main())
