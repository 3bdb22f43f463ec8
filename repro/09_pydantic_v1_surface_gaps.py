"""Parts of julep 0.3.9's model surface that code written for it may use and that are gone
(README promises .dict()/.json() only, so these are compatibility gaps, not broken promises):
model.copy(update=...), Model.parse_obj(...), model == dict, and the julep.api.types module."""
import importlib
import sys

import julep

gaps = []
settings = julep.AgentDefaultSettings(temperature=0.5)
if not hasattr(settings, "copy"):
    gaps.append("AgentDefaultSettings(...).copy(update={...}) is gone (attrs.evolve replaces it)")
if not hasattr(julep.Agent, "parse_obj"):
    gaps.append("Agent.parse_obj(data) is gone")
if julep.InputChatMlMessage(role="user", content="x") != {"role": "user", "content": "x"}:
    gaps.append("InputChatMlMessage(...) == {...} is False (pydantic v1 compared .dict())")
try:
    importlib.import_module("julep.api.types")
except ImportError as exc:
    gaps.append(f"import julep.api.types fails: {exc}")
for line in gaps:
    print("GAP:", line)
sys.exit(1 if gaps else 0)
