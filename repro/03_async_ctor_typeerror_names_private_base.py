"""AsyncJulepApi(bogus=1) says 'BaseAsyncClient.__init__() got an unexpected keyword
argument', naming a private class; JulepApi(bogus=1) says 'JulepApi.__init__() ...',
and julep 0.3.9 said 'AsyncJulepApi.__init__() ...'. README: a call that does not
fit raises Python's own TypeError, on both clients. Exits 1 while present."""

import sys

import julep

bad = []
for cls in (julep.JulepApi, julep.AsyncJulepApi):
    try:
        cls(api_key="k", bogus=1)
    except TypeError as exc:
        print(f"{cls.__name__}: {exc}")
        if not str(exc).startswith(f"{cls.__name__}.__init__()"):
            bad.append(cls.__name__)
sys.exit(1 if bad else 0)
