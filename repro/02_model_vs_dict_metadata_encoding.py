"""The same metadata is sent when it sits in a model (CreateDoc(metadata=...)) but refused
with TypeError when given as the equivalent dict (request={...}) or as a metadata= argument.

README: "model arguments take dicts" -- a dict and its model should be interchangeable.
A set / frozenset / pathlib.Path in metadata goes through the model path (set written as
a list, in arbitrary order; Path as a str) but the dict path raises
"set cannot be sent as JSON".  The SDK refuses bytes in both paths on purpose
(_serde._refuse_bytes: "as a dict argument holding bytes is also refused"), so the
intended policy is one outcome for both; here they differ.

Needs no server: the request is encoded before anything is sent (port 1 refuses).
Exits 1 when the two paths disagree.
"""
import pathlib
import sys

from julep import CreateDoc, JulepApi
from julep.errors import APIConnectionError

client = JulepApi(base_url="http://127.0.0.1:1/api", api_key="k", max_retries=0, timeout=2)
agent = "00000000-0000-4000-8000-000000000000"
disagree = 0
for value in ({1, 2}, frozenset({3}), pathlib.Path("/x")):
    outcome = {}
    for how, request in (
        ("model", CreateDoc(title="t", content="c", metadata={"v": value})),
        ("dict", {"title": "t", "content": "c", "metadata": {"v": value}}),
    ):
        try:
            client.create_agent_doc(agent, request=request)
        except APIConnectionError:
            outcome[how] = "encoded and sent"
        except TypeError as error:
            outcome[how] = f"TypeError: {error}"
    print(type(value).__name__, outcome)
    disagree += outcome["model"] != outcome["dict"]
client.close()
sys.exit(1 if disagree else 0)
