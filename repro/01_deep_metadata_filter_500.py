"""A metadata_filter nested ~1000 levels deep is a 500 Internal Server Error (and a
RecursionError traceback in the server log) instead of a 400/422 naming metadata_filter.

README "Bounded input": "JSON nested at most 64 levels ... each is a 422 that names the field";
contract 5: a bad metadata_filter is 400 {"detail": ...}. Never a 500 (which the SDK retries).
"""

import sys
import urllib.error
import urllib.parse
import urllib.request

from julep.server import LocalServer

with LocalServer() as server:
    bad = []
    for depth in (65, 300, 990):
        query = '{"a":' + "[" * depth + "]" * depth + "}"
        url = f"{server.base_url}/agents?metadata_filter={urllib.parse.quote(query)}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                status, body = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read()
        print(depth, status, body[:120])
        if status not in (400, 422):
            bad.append(depth)
sys.exit(1 if bad else 0)
