"""list_agents(metadata_filter={...}) with an integer beyond 64 bits raises TypeError.

16273ac/c88c06c: integers beyond 64 bits are "read and sent exactly", and the local
server filters on them exactly. README: metadata_filter "a dict is encoded for you".
The same filter as a JSON string works; as a dict it is refused before any request
(_params.metadata_filter uses orjson.dumps directly).
"""
import sys

from julep import JulepApi
from julep.server import LocalServer

BIG = 123456789012345678901234567890
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    client.create_agent(name="big", metadata={"n": BIG})
    as_text = client.list_agents(metadata_filter='{"n": %d}' % BIG).items
    print("filter as str:", [a.name for a in as_text])
    try:
        as_dict = client.list_agents(metadata_filter={"n": BIG}).items
    except TypeError as exc:
        print("filter as dict: TypeError:", exc)
        sys.exit(1)
    print("filter as dict:", [a.name for a in as_dict])
    sys.exit(0 if [a.name for a in as_dict] == ["big"] else 1)
