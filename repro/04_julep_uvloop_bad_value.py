"""JULEP_UVLOOP set to a wrong value (or =1 without uvloop).

README: "Everything the SDK raises derives from julep.JulepError" and
"ConfigurationError  bad or missing configuration (also a ValueError)".
The sync client raises a plain ValueError (or a RuntimeError for =1 without
uvloop), and `python -m julep bench` dies with a traceback (after creating its
agent/user/session) instead of a clear one-line error.
"""

import os
import subprocess
import sys

import julep
from julep.server import LocalServer

bad = False
with LocalServer() as server:
    os.environ["JULEP_UVLOOP"] = "maybe"
    try:
        with julep.JulepApi(api_key="k", base_url=server.base_url) as client:
            client.list_agents()
        print("no error at all")
        bad = True
    except julep.JulepError as exc:
        print("ok:", type(exc).__name__, exc)
    except Exception as exc:  # noqa: BLE001
        print("DEFECT (SDK): not a JulepError:", type(exc).__mro__, exc)
        bad = True

proc = subprocess.run([sys.executable, "-m", "julep", "bench", "--requests", "2",
                       "--concurrency", "1", "--quiet"], capture_output=True, text=True,
                      timeout=120, env={**os.environ, "JULEP_UVLOOP": "maybe"})
print("bench exit code", proc.returncode)
print(proc.stderr[-600:])
if "Traceback" in proc.stderr:
    print("DEFECT (bench): traceback for a bad JULEP_UVLOOP")
    bad = True
sys.exit(1 if bad else 0)
