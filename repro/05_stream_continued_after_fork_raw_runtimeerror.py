"""A streamed chat a JulepApi opened before os.fork, touched by the child, (a) gives the child
a bare asyncio RuntimeError and (b) breaks the PARENT's stream: the parent, which did nothing
wrong, gets no more events and ends in StreamTimeoutError at its deadline.

(a) The child reading on: once buffered chunks are used up, "RuntimeError: Task ... got Future
    <Future pending> attached to a different loop" from inside aiohttp (README: "No aiohttp or
    asyncio exception escapes").
(b) The child closing it - reading on and failing, or merely leaving the `with` block (sys.exit
    in the child) - closes the connection in the child, which takes the socket out of the
    epoll set the two processes share: the parent's stream stalls (here 20 s, the timeout;
    with defaults, stream_idle 60 s).
README: "after os.fork() the child starts its own loop and connections".
Expected: the child gets a julep error, the parent's stream is untouched and ends normally.
Exits 1 on either failure.
"""

import asyncio
import os
import sys
import threading
import time

from aiohttp import web

from julep import JulepApi, JulepError

EVENT = 'data: {"id":"00000000-0000-4000-8000-000000000001","delta":{"role":"assistant","content":"%s"},"index":0}\n\n'
FINAL = (
    'data: {"id":"00000000-0000-4000-8000-000000000001","finish_reason":"stop","response":[[{"id":"00000000-0000-4000-8000-000000000002","created_at":"2026-01-01T00:00:00+00:00","role":"assistant",'
    '"content":"a b c d"}]],"usage":{"completion_tokens":4,"prompt_tokens":1,"total_tokens":5},'
    '"doc_ids":{"agent_doc_ids":[],"user_doc_ids":[]},"jobs":[]}\n\ndata: [DONE]\n\n'
)


async def chat(request: web.Request) -> web.StreamResponse:
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write((EVENT % "a").encode())
    await asyncio.sleep(1.5)  # the fork happens meanwhile
    for word in " b", " c", " d":
        await response.write((EVENT % word).encode())
    await response.write(FINAL.encode())
    return response


loop = asyncio.new_event_loop()
app = web.Application()
app.router.add_post("/api/sessions/{sid}/chat", chat)
runner = web.AppRunner(app)
loop.run_until_complete(runner.setup())
site = web.TCPSite(runner, "127.0.0.1", 0)
loop.run_until_complete(site.start())
port = site._server.sockets[0].getsockname()[1]
threading.Thread(target=loop.run_forever, daemon=True).start()

failed = False
with JulepApi(api_key="any", base_url=f"http://127.0.0.1:{port}/api", timeout=20) as client:
    with client.chat_stream("s1", messages=[{"role": "user", "content": "x"}]) as stream:
        chunks = iter(stream)
        print("parent, first chunk:", next(chunks).delta.content)
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read_end)
            try:
                for _ in chunks:
                    pass
                verdict = "ok: read to the end"
            except JulepError as exc:
                verdict = f"ok: {type(exc).__name__}: {str(exc)[:120]}"
            except BaseException as exc:
                verdict = f"WRONG: {type(exc).__module__}.{type(exc).__name__}: {str(exc)[:120]}"
            os.write(write_end, verdict.encode())
            os._exit(0)
        os.close(write_end)
        with os.fdopen(read_end, "rb") as reader:
            verdict = reader.read().decode()
        os.waitpid(pid, 0)
        print("child:", verdict)
        failed |= verdict.startswith("WRONG")
        started = time.monotonic()
        try:
            rest = "".join(chunk.delta.content or "" for chunk in chunks if chunk.delta)
            print(f"parent read on: {rest!r} in {time.monotonic() - started:.1f}s")
        except JulepError as exc:
            print(f"parent WRONG after {time.monotonic() - started:.1f}s: {type(exc).__name__}: {exc}")
            failed = True
sys.exit(1 if failed else 0)
