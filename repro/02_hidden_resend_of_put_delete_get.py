"""max_retries=0 still sends a DELETE / PUT / GET twice when the connection drops:
aiohttp silently re-sends "idempotent" methods once on ServerDisconnectedError or
ClientOSError (ClientSession._retry_connection, on by default), beneath the SDK's
retry loop. The second attempt is not counted (retries_taken=0), not logged, has
no backoff, and ignores max_retries.

Consequence: a delete that succeeded on the server but whose answer was lost comes
back as NotFoundError('Agent not found') with retries_taken=0, as if the first and
only attempt had found nothing; update_agent (PUT) is applied twice.

README: "max_retries  2  retries after the first attempt"; "Responses tell how many
retries they took in model.response_info.retries_taken; errors in error.retries_taken."
"""
import asyncio
import sys
import threading

import julep

KEY = "sk-supersecret-ABCDEFGH12345678"
seen: list[str] = []


async def handler(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    line = head.split(b"\r\n")[0].decode()
    length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), 0)
    await reader.readexactly(length)
    seen.append(line)
    if len(seen) == 1:
        # The first attempt is applied (the agent is deleted), then the link drops.
        writer.transport.abort()
        return
    body = b'{"detail":"Agent not found"}'
    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
                 b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
    await writer.drain()


def main() -> int:
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handler, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()
    failed = False
    for method in ("delete_agent", "update_agent", "get_agent"):
        seen.clear()
        with julep.JulepApi(api_key=KEY, base_url=f"http://127.0.0.1:{port}/api", max_retries=0) as client:
            try:
                if method == "update_agent":
                    client.update_agent("a1", name="n", about="x", model="m")
                else:
                    getattr(client, method)("a1")
                outcome = "returned"
            except julep.JulepError as error:
                outcome = f"{type(error).__name__}(retries_taken={error.retries_taken})"
        print(f"{method}, max_retries=0: {len(seen)} requests sent {seen}; raised {outcome}")
        failed |= len(seen) > 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
