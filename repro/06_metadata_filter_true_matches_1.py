"""metadata_filter compares with Python ==, so {"flag": true} matches metadata {"flag": 1}
and {"z": false} matches {"z": 0}: JSON true is not the number 1.
Contract §1.2: "for each key, metadata[key] == value" (JSON values).
"""
import json
import urllib.parse

from _server import request, serve

with serve() as (port, _):
    _, _, created = request(port, "POST", "/api/agents", {"name": "a", "metadata": {"flag": 1, "z": 0}})
    wrong = 0
    for flt in ({"flag": True}, {"z": False}):
        q = urllib.parse.quote(json.dumps(flt))
        _, _, listed = request(port, "GET", f"/api/agents?metadata_filter={q}")
        hit = any(item["id"] == created["id"] for item in listed["items"])
        print(f"filter {json.dumps(flt)} matches metadata {{'flag': 1, 'z': 0}}: {hit}")
        wrong += hit
raise SystemExit(1 if wrong else 0)
