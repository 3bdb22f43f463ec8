"""With --model openai and --model-key (or OPENAI_API_KEY), a model endpoint that
quotes the request's Authorization in its error body (proxies and gateways do:
"Invalid key: Bearer sk-...") has the operator's model key forwarded to every API
client in the 502 detail ("model backend error: ... answered 401: b'...sk-...'"),
and in a stream's error event. README: the key of --model-key is "never in a repr or a
log line"; model_url credentials were already kept out of 502 details.
Expected: the key blanked out of the detail.
"""

import asyncio
import threading

from aiohttp import web

from julep import APIStatusError, JulepApi
from julep.server import LocalServer

MODEL_KEY = "sk-live-operator-secret-0123456789"


async def completions(request: web.Request) -> web.Response:
    said = request.headers.get("Authorization", "")
    return web.json_response({"error": {"message": f"invalid key: {said}"}}, status=401)


def run_upstream(ready: threading.Event, port: list[int]) -> None:
    async def main() -> None:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", completions)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port.append(runner.addresses[0][1])
        ready.set()
        await asyncio.Event().wait()

    asyncio.run(main())


ready, port = threading.Event(), []
threading.Thread(target=run_upstream, args=(ready, port), daemon=True).start()
ready.wait()
url = f"http://127.0.0.1:{port[0]}/v1"
leaked = 0
with LocalServer(model="openai", model_url=url, model_key=MODEL_KEY, api_key="client-key") as server:
    with JulepApi(api_key="client-key", base_url=server.base_url, max_retries=0) as client:
        session = client.create_session(agent_id=client.create_agent(name="a").id)
        try:
            client.chat(session.id, messages=[{"role": "user", "content": "hi"}])
        except APIStatusError as exc:
            # The SDK blanks ITS OWN key from errors, not the server's model key.
            print("API client sees:", exc.status_code, exc.body)
            leaked += MODEL_KEY in str(exc.body)
raise SystemExit(1 if leaked else 0)
