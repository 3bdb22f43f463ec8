"""A request body over 1 MiB makes aiohttp warn ResourceWarning ("Sending a large body
directly with raw bytes might lock the event loop") on every call. Under pytest's
filterwarnings=error (this project's own setting, and a common one), -W error or
-X dev, the call fails with a bare ResourceWarning: not a JulepError (README: "No
aiohttp or asyncio exception escapes"), and the local server accepts 4 MiB bodies.
julep 0.3.9 (httpx) sends the same doc without a warning.

Run: .venv/bin/python repro/01_large_body_resourcewarning.py  (exits 1 on the defect)
"""

import sys
import warnings

from julep import JulepApi
from julep.server import LocalServer

warnings.simplefilter("error")  # what pytest's filterwarnings = error does

with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    agent = client.create_agent(name="Sam")
    try:
        doc = client.create_agent_doc(
            agent.id, request={"title": "big", "content": "x" * (1024 * 1024 + 100)}
        )
    except Exception as error:
        print("FAILED:", type(error).__module__, type(error).__name__, error)
        sys.exit(1)
    print("ok: created", doc.id)
