"""A doc whose content list holds an empty string is stored (201). The spec's CreateDoc
content items have minLength 1 (contract section 3.4: "each list item minLength 1"), and
the 0.3 server refused them (autogen ContentItem: Field(min_length=1) -> 422).
Expected: 422 naming content[i].
"""

import json
import urllib.error
import urllib.request

from julep.server import LocalServer

with LocalServer() as server:
    def post(path, body):
        request = urllib.request.Request(
            server.base_url + path, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request) as reply:
                return reply.status, json.load(reply)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    _, agent = post("/agents", {"name": "a"})
    status, body = post(f"/agents/{agent['id']}/docs", {"title": "t", "content": ["a", ""]})
    print("content ['a', '']:", status, body)
raise SystemExit(0 if status == 422 else 1)
