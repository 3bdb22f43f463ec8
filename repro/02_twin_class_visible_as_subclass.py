"""Decoding a model once (7f42d7d) leaves a '<Name>Filling' subclass registered under the
model: Agent.__subclasses__() changes from [] to [AgentFilling], a mutable attrs class
(object's own __setattr__) that code walking subclasses (plugin registries, cattrs'
include_subclasses strategy) now sees. Only after the first decode, so order-dependent."""
import sys

sys.path.insert(0, ".")
import attrs
import cattrs
from cattrs.strategies import include_subclasses

import julep
from julep._serde import converter

body = {"id": "a1", "name": "n", "model": "m", "about": "", "created_at": "2024-05-01T12:00:00Z",
        "updated_at": "2024-05-01T12:00:00Z"}
before = julep.Agent.__subclasses__()
converter.structure(dict(body), julep.Agent)
after = julep.Agent.__subclasses__()
print("Agent.__subclasses__() before a decode:", before, "after:", after)
for twin in after:
    print(twin.__qualname__, "attrs.has:", attrs.has(twin), "frozen __setattr__:",
          twin.__setattr__ is julep.Agent.__setattr__)

# A user's own converter with cattrs' include_subclasses strategy now knows of the twin.
user = cattrs.Converter()
try:
    include_subclasses(julep.Agent, user)
    value = user.structure(dict(body), julep.Agent)
    print("include_subclasses structure ->", type(value).__qualname__)
except Exception as exc:
    print("include_subclasses failed:", type(exc).__name__, str(exc)[:200])
sys.exit(1 if after != before else 0)
