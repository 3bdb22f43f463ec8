"""Under pyright (Pylance, VS Code's checker) every model built in code is Any.

2a306f8 gave the models a metaclass whose __call__ returns typing.Any; pyright
honours a metaclass __call__ (the typing spec's constructor rules) and takes
its return type, so InputChatMlMessage(role="user") is Any: no completion on
the result, no error for a missing field or a wrong assignment. Before it,
pyright checked the call against the attrs __init__.

Needs pyright (pip install pyright; it fetches its node package once).
"""
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import julep

pyright = shutil.which("pyright") or os.path.join(os.path.dirname(sys.executable), "pyright")
root = pathlib.Path(julep.__file__).resolve().parent.parent
source = (
    "from julep import InputChatMlMessage\n"
    "m = InputChatMlMessage(role='user', content='x')\n"
    "reveal_type(m)\n"
    "InputChatMlMessage(role='user')  # content missing: an error\n"
)
with tempfile.TemporaryDirectory(dir=root) as folder:  # inside the checkout: julep resolves
    path = pathlib.Path(folder, "check.py")
    path.write_text(source)
    done = subprocess.run(
        [pyright, "--pythonpath", sys.executable, str(path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=root,
    )
print(done.stdout)
ok = 'Type of "m" is "InputChatMlMessage"' in done.stdout and '"content"' in done.stdout
sys.exit(0 if ok else 1)
