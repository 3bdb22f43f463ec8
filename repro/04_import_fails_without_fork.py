"""julep.client cannot be imported where os has no fork (Windows): julep/_portal.py calls
os.register_at_fork at import without checking it exists, so 'from julep import JulepApi'
(and AsyncJulepApi, julep.client, the pytest plugin) fails there with AttributeError.
julep/_idempotency.py guards the same call ('not on Windows, which has no fork') and
_network.py handles win32, so Windows is meant to work; julep 0.3.9 (httpx) imports there.

Simulated here by removing os's fork functions before the import, as os lacks them on
Windows. Exits 1 while the import fails.
"""

import os
import sys

for name in ("fork", "forkpty", "register_at_fork"):
    if hasattr(os, name):
        delattr(os, name)  # what os has on Windows

try:
    from julep import AsyncJulepApi, JulepApi  # noqa: F401
except Exception as exc:
    print(f"import failed: {type(exc).__name__}: {exc}")
    sys.exit(1)
print("imported")
