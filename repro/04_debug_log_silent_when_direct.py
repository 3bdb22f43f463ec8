"""README "Configuration": JULEP_LOG=debug logs "also how each host is reached". Before the fix
it said so only when a proxy was used: a client reaching its host directly (no proxy variable,
NO_PROXY covering the host, trust_env=False) logged nothing, exactly when a user behind a
corporate proxy wants to know why the proxy was skipped. Exits 1 while nothing is said."""

import os
import subprocess
import sys

script = (
    "import julep\n"
    "julep.JulepApi(api_key='k', base_url='https://api.example.com/api').close()\n"
)
env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
env.update(JULEP_LOG="debug", HTTPS_PROXY="http://127.0.0.1:9", NO_PROXY="example.com")
out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True,
                     timeout=60).stderr
print(out or "(nothing logged)")
sys.exit(0 if "requests to api.example.com" in out else 1)
