"""typing.get_type_hints works on every public callable, in a fresh interpreter.

A string forward reference ("os.PathLike[str]") inside a shared type alias is
resolved in the globals of whichever module's function is read first; julep.client
and julep.server do not import os, so get_type_hints(JulepApi.__init__) raised
NameError unless something had resolved the same reference before.
"""

from __future__ import annotations

import subprocess
import sys

_SCRIPT = r"""
import inspect, sys, typing
import julep, julep.server

failures = []
targets = [("julep.server.LocalServer", julep.server.LocalServer)]
targets += [(f"julep.{name}", getattr(julep, name)) for name in julep.__all__]
for label, obj in targets:
    members = [("", obj)]
    if inspect.isclass(obj):
        members += [
            (f".{name}", member)
            for name, member in vars(obj).items()
            if inspect.isfunction(member) and (not name.startswith("_") or name == "__init__")
        ]
    for suffix, member in members:
        if not (inspect.isclass(member) or inspect.isfunction(member)):
            continue  # a type alias such as ChatSettingsStop
        try:
            typing.get_type_hints(member.__init__ if inspect.isclass(member) else member)
        except Exception as exc:
            failures.append(f"{label}{suffix}: {type(exc).__name__}: {exc}")
print("\n".join(failures))
sys.exit(1 if failures else 0)
"""


def test_get_type_hints_on_every_public_callable_in_a_fresh_interpreter() -> None:
    for first in ("julep.JulepApi.__init__", "julep.server.LocalServer.__init__"):
        # The first reference resolved is the one that failed: start with each.
        warm = f"import typing, julep, julep.server; typing.get_type_hints({first})\n"
        run = subprocess.run(
            [sys.executable, "-c", warm + _SCRIPT],
            check=False,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stdout + run.stderr
