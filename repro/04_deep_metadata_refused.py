"""A dict argument nested 256 to ~990 levels deep (metadata, a message's extra
field, a doc's metadata) is refused with "TypeError: metadata.a.a...a: dict cannot
be sent as JSON (Recursion limit reached); is a field of the wrong type?".

orjson stops at 255 levels; JSON has no limit, check_finite already walked the
value (it refuses only past Python's recursion limit, with "nested too deeply"),
and julep 0.3.9 sent such a body (1,826 bytes at 300 levels). Expected: sent, as
0.3.9 did, like any body orjson cannot write (big ints go through json already).
(The local server takes 64 levels at most, README "limits"; this script uses a
server that takes anything and answers 418, so what matters is whether it is sent.)
"""
from __future__ import annotations

import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _harness import Capture  # noqa: E402

from julep import APIStatusError, JulepApi  # noqa: E402


def nest(depth: int) -> dict[str, object]:
    top: dict[str, object] = {}
    cur = top
    for _ in range(depth):
        cur["a"] = {}
        cur = cur["a"]  # type: ignore[assignment]
    return top


bad = 0
server = Capture()
with JulepApi(api_key="sk-repro-0123456", base_url=server.base_url, max_retries=0) as client:
    for depth in (100, 300, 600):
        try:
            client.create_agent(name="deep", metadata=nest(depth))
        except APIStatusError:
            print("ok ", depth, "sent", len(server.bodies[-1]), "bytes")
        except Exception as exc:  # noqa: BLE001
            bad += 1
            print("BAD", depth, type(exc).__name__, str(exc)[-120:])
sys.exit(1 if bad else 0)
