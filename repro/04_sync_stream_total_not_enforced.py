"""JulepApi.chat_stream: a server that streams small reply pieces as fast as it can,
forever, is not stopped at Timeout.total. With total=2 s and an empty loop body the
sync stream runs for tens of seconds (until the server's own 30 s bound here; with no
bound, until max_response_bytes=100 MiB of tiny events), where AsyncJulepApi stops at
about 2 s with StreamTimeoutError.

README, Timeout.total: "for chat_stream, the time spent waiting on the server inside
the iteration (your code's time between chunks does not count)". Each next() of the
sync stream spends most of its time in the SDK's own thread hop to its event loop,
which is not counted: only the part inside the async __anext__ is.
"""
import asyncio
import json
import sys
import threading
import time

import julep

KEY = "sk-supersecret-ABCDEFGH12345678"
SERVER_BOUND = 30.0


async def handler(reader, writer):
    head = await reader.readuntil(b"\r\n\r\n")
    length = next((int(l.split(b":")[1]) for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")), 0)
    await reader.readexactly(length)
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n")
    piece = (b"data: " + json.dumps({"id": "c1", "delta": {"content": "x"}}).encode() + b"\n\n") * 200
    started = time.monotonic()
    try:
        while time.monotonic() - started < SERVER_BOUND:
            writer.write(piece)
            await writer.drain()
    except ConnectionError:
        pass
    writer.close()


def main() -> int:
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(handler, "127.0.0.1", 0))
    port = server.sockets[0].getsockname()[1]
    threading.Thread(target=loop.run_forever, daemon=True).start()
    options = dict(api_key=KEY, base_url=f"http://127.0.0.1:{port}/api",
                   timeout=julep.Timeout(read=10, total=2, stream_idle=5))
    messages = [{"role": "user", "content": "hi"}]

    async def run_async():
        async with julep.AsyncJulepApi(**options) as client:
            async with client.chat_stream("s1", messages=messages) as stream:
                async for _ in stream:
                    pass

    def run_sync():
        with julep.JulepApi(**options) as client:
            with client.chat_stream("s1", messages=messages) as stream:
                for _ in stream:
                    pass

    took = {}
    for name, run in (("async", lambda: asyncio.run(run_async())), ("sync", run_sync)):
        started = time.monotonic()
        try:
            run()
            outcome = "returned"
        except julep.JulepError as error:
            outcome = f"{type(error).__name__}: {str(error)[:90]}"
        took[name] = time.monotonic() - started
        print(f"{name}: {took[name]:.1f}s with Timeout.total=2 -> {outcome}")
    return 1 if took["sync"] > 4 else 0


if __name__ == "__main__":
    sys.exit(main())
