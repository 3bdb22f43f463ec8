"""`python -W error -m julep serve --model openai` answers 500 to a chat whose prompt is
over 1 MiB (a long history, a big message; the server takes 4 MiB bodies): its model
backend posts the prompt with aiohttp's json=, which warns ResourceWarning ("Sending a
large body directly with raw bytes...") for a body over 1 MiB; the same under pytest's
filterwarnings = error with LocalServer(model="openai"). The endpoint here is a second
local server's own /v1/chat/completions (echo model).

Exits 1 on the defect.
"""

import os
import socket
import subprocess
import sys
import time

import julep
from julep import JulepApi
from julep.server import LocalServer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


with LocalServer(api_key="model-key") as model:
    port = free_port()
    v1 = model.base_url.removesuffix("/api") + "/v1"
    env = {**os.environ, "OPENAI_API_KEY": "model-key"}
    cmd = [sys.executable, "-W", "error", "-m", "julep", "serve", "--port", str(port)]
    server = subprocess.Popen(
        [*cmd, "--model", "openai", "--model-url", v1],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(2)
        with JulepApi(api_key="any", base_url=f"http://127.0.0.1:{port}/api") as client:
            agent = client.create_agent(name="Sam")
            session = client.create_session(agent_id=agent.id)
            failed = False
            # Each request of the SDK's under 1 MiB (the SDK's own warning is
            # repro/01); the second prompt, with the first turn as history, is over it.
            for turn in range(2):
                content = f"turn {turn} " + "y" * 600_000
                try:
                    reply = client.with_options(max_retries=0).chat(
                        session.id, messages=[{"role": "user", "content": content}]
                    )
                    print(f"turn {turn} ok:", len(reply.response[0][0].content or ""))
                except julep.APIStatusError as error:
                    print(f"turn {turn} FAILED:", str(error)[:200])
                    failed = True
    finally:
        server.terminate()
        _, err = server.communicate(timeout=10)
    print("\n".join(line for line in err.decode().splitlines() if "Warning" in line)[:600])
sys.exit(1 if failed else 0)
