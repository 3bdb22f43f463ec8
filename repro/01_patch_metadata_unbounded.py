"""PATCH merges metadata without the 64 KiB bound of a body's metadata.

README (bounded input): "metadata and other free-form objects at most 64 KiB".
Each PATCH body's metadata is checked, but the merge with the stored metadata is
not: 20 PATCHes of 60 KB each leave 1.2 MB of metadata, which a PUT of the agent
as read back (or a create of a copy) then refuses with a 422. Exits 1 when the
defect is present.
"""

from __future__ import annotations

import sys

import julep
from julep import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as c:
    agent = c.create_agent(name="a")
    refused = 0
    for i in range(20):
        try:
            c.patch_agent(agent.id, metadata={f"k{i}": "x" * 60_000})
        except julep.UnprocessableEntityError:
            refused += 1
    read = c.get_agent(agent.id)
    print(f"PATCHes refused: {refused}; metadata keys stored: {len(read.metadata or {})}")
    try:
        c.update_agent(agent.id, name=read.name, about=read.about or "", metadata=read.metadata)
        print("PUT of the agent as read back: ok")
        put_ok = True
    except julep.UnprocessableEntityError as error:
        print("PUT of the agent as read back refused:", str(error)[:120])
        put_ok = False
    sys.exit(0 if refused and put_ok else 1)
