"""`serve --model openai --model-url http://user:secret@host/v1`: when the model
endpoint fails, the 502 detail sent to every API client quotes the model URL
with its password. With --model-key as well, every chat is a bare 500 (aiohttp
refuses a URL with credentials plus an Authorization header).
"""

import os
import socket
import subprocess
import sys
import time

import julep

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
bad = False
for extra in ([], ["--model-key", "mk-123"]):
    env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
    server = subprocess.Popen([sys.executable, "-m", "julep", "serve", "--port", str(port),
                               "--model", "openai", "--model-url",
                               "http://bob:pw-SECRET@127.0.0.1:9/v1", *extra],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        time.sleep(2.5)
        with julep.JulepApi(api_key="k", base_url=f"http://127.0.0.1:{port}/api",
                            max_retries=0) as client:
            agent = client.create_agent(name="x")
            session = client.create_session(agent_id=agent.id)
            try:
                client.chat(session.id, messages=[{"role": "user", "content": "hi"}])
            except julep.APIStatusError as exc:
                print(extra, exc.status_code, exc.body)
                if "pw-SECRET" in str(exc.body) or exc.status_code == 500:
                    bad = True
    finally:
        server.terminate()
        server.wait(10)
if bad:
    print("DEFECT: model URL password sent to API clients, or a 500 for a configuration")
    sys.exit(1)
