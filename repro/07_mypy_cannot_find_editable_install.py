"""After the README's install (`pip install -e .` from a checkout), mypy run on a user's
own project outside the checkout cannot find julep at all: setuptools' editable
install puts an import hook (__editable___julep_*_finder) in site-packages, which
mypy does not run, so py.typed never counts and every julep import is
"Cannot find implementation or library stub" (import-not-found). Not an SDK code
bug, but the typed package cannot be type-checked against as installed per README;
`pip install -e . --config-settings editable_mode=strict` (or compat), or a non-editable
install, avoids it. Run with the clone's .venv (installed editable). Exits 1 while present."""

import os
import subprocess
import sys
import tempfile

with tempfile.TemporaryDirectory() as project:
    path = os.path.join(project, "app.py")
    with open(path, "w") as f:
        f.write("from julep import JulepApi\n\nreveal_type(JulepApi(api_key='k').list_agents())\n")
    mypy = os.path.join(os.path.dirname(sys.executable), "mypy")
    run = subprocess.run([mypy, "--strict", "app.py"], cwd=project, capture_output=True, text=True, timeout=300)
    print(run.stdout)
    sys.exit(1 if "import-not-found" in run.stdout else 0)
