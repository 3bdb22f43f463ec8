"""chat_stream: when Timeout.total passes while the stream is still being opened
(after retries), the APITimeoutError says retries_taken=0 although the request
was already retried (here: two 503s, then a server that never answers).
The same call made with chat() or get_agent() reports retries_taken=2.

README: "Responses tell how many retries they took in
model.response_info.retries_taken; errors in error.retries_taken."
"""
import asyncio
import sys
import threading

import julep

KEY = "sk-supersecret-ABCDEFGH12345678"
seen = []


async def handler(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), 0)
    await reader.readexactly(length)
    seen.append(1)
    if len(seen) % 3 in (1, 2):
        body = b'{"detail":"busy"}'
        writer.write(b"HTTP/1.1 503 Busy\r\nContent-Type: application/json\r\nConnection: close\r\n"
                     b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()
        writer.close()
        return
    await asyncio.sleep(10)  # the third attempt: never answered
    writer.close()


def main() -> int:
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handler, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()
    messages = [{"role": "user", "content": "hi"}]
    results = {}
    for how in ("chat", "chat_stream", "chat(stream=True)"):
        seen.clear()
        with julep.JulepApi(
            api_key=KEY,
            base_url=f"http://127.0.0.1:{port}/api",
            timeout=julep.Timeout(read=10, total=1.5),
            max_retries=julep.RetryPolicy(max_retries=5, initial_delay=0.01, max_delay=0.02),
        ) as client:
            try:
                if how == "chat":
                    client.chat("s1", messages=messages)
                elif how == "chat_stream":
                    client.chat_stream("s1", messages=messages).until_done()
                else:
                    client.chat("s1", messages=messages, stream=True)
            except julep.APIError as error:
                results[how] = error.retries_taken
                print(f"{how}: {type(error).__name__} retries_taken={error.retries_taken}, "
                      f"requests sent={len(seen)}")
    return 0 if len(set(results.values())) == 1 else 1


if __name__ == "__main__":
    sys.exit(main())
