"""`serve --model openai --model-url http://user:secret@host/v1`: when the model
endpoint fails, the 502 detail sent to every API client quoted the model URL
with its password. With --model-key (or OPENAI_API_KEY) as well, the server
started and then answered every chat with a bare 500 (aiohttp refuses a URL
with credentials plus an Authorization header).
Expected: the password never leaves the server; the conflict is refused at start.
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
URL = "http://bob:pw-SECRET@127.0.0.1:9/v1"
env = {k: v for k, v in os.environ.items() if k != "OPENAI_API_KEY"}
bad = False

server = subprocess.Popen([sys.executable, "-m", "julep", "serve", "--port", str(port),
                           "--model", "openai", "--model-url", URL],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
try:
    time.sleep(2.5)
    with julep.JulepApi(api_key="sk-repro-key", base_url=f"http://127.0.0.1:{port}/api",
                        max_retries=0) as client:
        agent = client.create_agent(name="x")
        session = client.create_session(agent_id=agent.id)
        try:
            client.chat(session.id, messages=[{"role": "user", "content": "hi"}])
        except julep.APIStatusError as exc:
            print(exc.status_code, exc.body)
            bad |= "pw-SECRET" in str(exc.body)
finally:
    server.terminate()
    server.wait(10)

both = subprocess.run([sys.executable, "-m", "julep", "serve", "--port", str(port), "--model",
                       "openai", "--model-url", URL, "--model-key", "mk-123"],
                      capture_output=True, text=True, env=env, timeout=5)
print("with --model-key too: exit", both.returncode, both.stderr.strip()[-300:])
bad |= both.returncode != 2 or "pw-SECRET" in both.stderr
if bad:
    print("DEFECT: model URL password sent to API clients, or the conflict not refused at start")
    sys.exit(1)
