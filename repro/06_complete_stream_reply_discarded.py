"""A streamed reply whose final event (finish_reason, usage) arrived is thrown away
when the server then neither sends `data: [DONE]` nor ends the body: after
stream_idle, chat(stream=True) raises StreamError and chat_stream's loop raises
too, though every chunk of the reply was delivered. The same when the total
deadline passes while only [DONE] is awaited.
Expected: the complete ChatResponse. Exit 1 if an error comes instead.
"""
import asyncio, json, sys, threading
import julep

def chunk(data): return b"%x\r\n%s\r\n" % (len(data), data)
EVENTS = [
    {"id": "c1", "delta": {"content": "Hello"}},
    {"id": "c1", "finish_reason": "stop", "usage": {"completion_tokens": 1, "prompt_tokens": 1, "total_tokens": 2}},
]

async def handle(reader, writer):
    await reader.readuntil(b"\r\n\r\n")
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
    for event in EVENTS:
        writer.write(chunk(b"data: " + json.dumps(event).encode() + b"\n\n"))
    await writer.drain()
    await asyncio.sleep(60)   # no [DONE], no end of body

def serve(ready, port):
    async def main():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1]); ready.set()
        await server.serve_forever()
    asyncio.run(main())

ready, port = threading.Event(), []
threading.Thread(target=serve, args=(ready, port), daemon=True).start(); ready.wait(5)
failed = 0
for timeout in (julep.Timeout(read=5, total=10, stream_idle=1), julep.Timeout(read=5, total=1, stream_idle=5)):
    with julep.JulepApi(api_key="k", base_url=f"http://127.0.0.1:{port[0]}/api", timeout=timeout) as client:
        try:
            reply = client.chat("00000000-0000-0000-0000-000000000002",
                                messages=[{"role": "user", "content": "hi"}], stream=True)
            print("reply:", reply.response[0][0].content, reply.usage)
        except julep.JulepError as error:
            failed = 1
            print(type(error).__name__, str(error)[:150])
sys.exit(failed)
