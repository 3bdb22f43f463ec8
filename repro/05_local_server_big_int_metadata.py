"""The local server turns metadata integers beyond 64 bits into floats (orjson), so
"metadata survives the round trip" (README) fails against it even with an exact client:
{"big": 123456789012345678901234567890} is stored and served as 1.2345678901234568e+29.
Sent here as a raw body, so the client's encoder is not involved."""
import json
import sys
import urllib.request

from julep.server import LocalServer

with LocalServer() as server:
    body = b'{"name":"n","metadata":{"big":123456789012345678901234567890,"neg":-9223372036854775809}}'
    request = urllib.request.Request(
        server.base_url + "/agents", data=body, method="POST",
        headers={"Content-Type": "application/json", "Authorization": "k"},
    )
    created = json.load(urllib.request.urlopen(request))
    raw = urllib.request.urlopen(urllib.request.Request(
        server.base_url + f"/agents/{created['id']}", headers={"Authorization": "k"})).read()
metadata = json.loads(raw)["metadata"]
print("served:", metadata)
if metadata != {"big": 123456789012345678901234567890, "neg": -9223372036854775809}:
    print("DEFECT: the local server corrupted big integers in metadata")
    sys.exit(1)
