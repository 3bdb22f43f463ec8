"""With --model openai, an endpoint whose reply's message content is not a string (a
list of content parts, as OpenAI's own schema allows for assistant messages and some
compatible servers send) makes chat answer a bare 500 "Internal Server Error" with a
traceback in the log (TypeError in textmatch.entities); the SDK retries 5xx, so the
model is asked (and billed) again each time. A non-string delta in a stream fails the
same way. Other malformed model replies are a 502 "model backend error: ...".
Expected: the text of the parts, or a 502 naming the model's reply; never a 500.
"""

import asyncio
import json
import threading
import urllib.request

from aiohttp import web

from julep import InternalServerError, JulepApi
from julep.server import LocalServer

CONTENT = [{"type": "text", "text": "Hello "}, {"type": "text", "text": "there"}]


async def completions(request: web.Request) -> web.StreamResponse:
    body = await request.json()
    if body.get("stream"):
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        chunk = {"choices": [{"index": 0, "delta": {"content": CONTENT}, "finish_reason": "stop"}]}
        await response.write(b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n")
        return response
    usage = {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
    message = {"role": "assistant", "content": CONTENT}
    return web.json_response(
        {"choices": [{"message": message, "finish_reason": "stop"}], "usage": usage}
    )


def run_upstream(ready: threading.Event, port: list[int]) -> None:
    async def main() -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", completions)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port.append(runner.addresses[0][1])
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


ready, port = threading.Event(), []
threading.Thread(target=run_upstream, args=(ready, port), daemon=True).start()
ready.wait()
bad = 0
url = f"http://127.0.0.1:{port[0]}/v1"
with LocalServer(model="openai", model_url=url) as server:
    with JulepApi(api_key="any", base_url=server.base_url, max_retries=0) as client:
        agent = client.create_agent(name="a")
        session = client.create_session(agent_id=agent.id)
        try:
            reply = client.chat(session.id, messages=[{"role": "user", "content": "hi"}])
            print("chat reply:", reply.response[0][0].content)
        except InternalServerError as exc:
            print("chat:", exc.status_code, exc.body)
            bad += 1

        request = urllib.request.Request(
            server.base_url.removesuffix("/api") + "/v1/chat/completions",
            data=json.dumps(
                {"model": "m", "messages": [{"role": "user", "content": "hi"}], "stream": True}
            ).encode(),
            headers={"Content-Type": "application/json"},
        )
        try:
            text = urllib.request.urlopen(request).read().decode()
            print("gateway stream:", text[-160:].replace("\n", "|"))
            bad += "[DONE]" not in text and '"error"' not in text
        except Exception as exc:  # noqa: BLE001
            print("gateway stream failed:", exc)
            bad += 1
raise SystemExit(1 if bad else 0)
