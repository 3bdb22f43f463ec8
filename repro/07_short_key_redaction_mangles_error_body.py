"""The SDK blanks the API key out of an error's body by a plain bytes replace, so
a short key (the local server in dev mode takes any: README's own examples use
api_key="any") rewrites unrelated text: with api_key="a" a 404's parsed body is
{'det<redacted>il': 'Agent not found'}, and error.body["detail"] raises KeyError.
README: "the whole body stays on the error's body".
"""

import sys

import julep
from julep.server import LocalServer

with LocalServer() as server:
    for key in ("a", "not"):
        with julep.JulepApi(api_key=key, base_url=server.base_url, max_retries=0) as client:
            try:
                client.get_agent("00000000-0000-0000-0000-000000000000")
            except julep.NotFoundError as error:
                print(repr(key), error.body)
                if error.body != {"detail": "Agent not found"}:
                    print("DEFECT: the error body was rewritten")
                    sys.exit(1)
