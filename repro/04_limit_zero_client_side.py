"""0.3.9 sent limit=0 / offset=-1 to the server (contract 1.2: "limit=0 is sent as 0"; README: the
0.3 server took any limit), so an error, if any, was the server's ApiError. Here a ValueError is
raised before any request: code that catches ApiError (or that relied on the hosted server taking it) breaks."""
import sys
from julep.api.core.api_error import ApiError
from julep.api.client import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url) as client:
    try:
        client.list_agents(limit=0)
    except ApiError as e:
        print("ApiError as in 0.3.9:", e.status_code); sys.exit(0)
    except Exception as e:
        print("BUG: not an ApiError:", type(e).__name__, e); sys.exit(1)
