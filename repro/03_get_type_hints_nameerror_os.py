"""typing.get_type_hints() on JulepApi.__init__ (and LocalServer.__init__) raises
NameError: name 'os' is not defined, in a fresh interpreter. The verify=/cert=/tls=
annotations use StrPath = typing.Union[str, "os.PathLike[str]"] (julep/_network.py,
julep/server/tls.py), a forward reference that get_type_hints resolves in the
globals of julep.client / julep.server, which do not import os (it works only if
something evaluated the same ForwardRef elsewhere first, e.g. on AsyncJulepApi).
Dependency-injection frameworks, pydantic's validate_call, typeguard and doc tools
call get_type_hints on a constructor; README ("How the sync client works") promises
the sync methods are plain functions with usable signatures. Exits 1 on any failure."""

import subprocess
import sys

bad = 0
for target in (
    "julep.JulepApi.__init__",
    "julep.AsyncJulepApi.__init__",
    "julep.server.LocalServer.__init__",
    "julep.JulepApi.with_options",
):
    code = f"import typing, julep, julep.server; typing.get_type_hints({target})"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    last = (run.stderr.strip().splitlines() or ["ok"])[-1]
    print(f"{target}: {last}{'  <- WRONG' if run.returncode else ''}")
    bad += run.returncode != 0
sys.exit(1 if bad else 0)
