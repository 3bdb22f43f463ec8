"""README: "an optional argument left out is absent from the JSON body, one passed as
``None`` is sent as ``null`` (PATCH treats them differently)".

The shipped server (and the wire contract, section 2.1: "A null in a PATCH body means
leave unchanged") treats the two the same: patch_session(token_budget=None) does not
clear the budget, patch_agent(about=None) does not clear about. A user following the
README writes a test that passes None to clear a field, and it fails. Exits 1 when no
PATCH field tells null from absent (README's claim does not hold while README makes it).
"""

from __future__ import annotations

import pathlib
import sys

from julep import JulepApi
from julep.server import LocalServer

with LocalServer() as server, JulepApi(api_key="k", base_url=server.base_url, max_retries=0) as c:
    agent = c.create_agent(name="a", about="about", model="m", instructions=["i"])
    session = c.create_session(agent_id=agent.id, situation="s", token_budget=100)
    c.patch_session(session.id, token_budget=None, situation=None, context_overflow=None)
    c.patch_agent(agent.id, about=None, model=None, instructions=None, metadata=None)
    s, a = c.get_session(session.id), c.get_agent(agent.id)
    print("session after PATCH with nulls:", s.token_budget, s.situation)
    print("agent after PATCH with nulls:", a.about, a.model, a.instructions)
    same = (s.token_budget, s.situation, a.about, a.model) == (100, "s", "about", "m")
    print("null treated as 'leave unchanged', exactly like an omitted argument:", same)
readme = (pathlib.Path(__file__).resolve().parent.parent / "README.rst").read_text()
claims = "(PATCH treats them differently)" in readme
print("README still says PATCH treats null and an omitted argument differently:", claims)
sys.exit(1 if same and claims else 0)
