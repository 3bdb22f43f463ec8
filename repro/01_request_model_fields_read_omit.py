"""Optional fields of request models built in code read back as the OMIT sentinel, not None.

julep 0.3.9 (pydantic v1) gave None for every optional field left out
(`InputChatMlMessage(role="user", content="hi").name is None`); the fields
are annotated `str | None`, `float | None`..., so mypy accepts
`if msg.name is not None: msg.name.upper()`, which crashes here. The README
promises 0.3.9 code runs unchanged and that reading an absent field gives None.

Run with the clone's .venv python; exits 1 while the defect is present.
"""

import json
import sys

import julep

failures = []

msg = julep.InputChatMlMessage(role="user", content="hi")
if msg.name is not None:  # 0.3.9: None; typed `str | None`
    failures.append(f"InputChatMlMessage(...).name is {msg.name!r}, expected None")
    try:
        msg.name.upper()
    except AttributeError as exc:
        failures.append(f"  -> type-checked code crashes: {exc}")

settings = julep.AgentDefaultSettings(temperature=0.5)
if settings.top_p is not None:
    failures.append(f"AgentDefaultSettings(temperature=0.5).top_p is {settings.top_p!r}, expected None")

fn = julep.FunctionDef(name="f", parameters={})
try:
    json.dumps({"description": fn.description})
except TypeError as exc:
    failures.append(f"json.dumps of FunctionDef(...).description fails: {exc}")

doc = julep.CreateDoc(title="t", content="c")
if doc.metadata is not None:
    failures.append(f"CreateDoc(...).metadata is {doc.metadata!r}, expected None")

for line in failures:
    print(line)
sys.exit(1 if failures else 0)
