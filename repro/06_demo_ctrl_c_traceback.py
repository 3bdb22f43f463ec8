"""Ctrl+C during `python -m julep demo` prints a KeyboardInterrupt traceback (from deep in the
sync client's wait) and the process dies of SIGINT, while `python -m julep bench` answers
Ctrl+C with one line and exit code 130 (its --help says so). Expected: the same for demo.
Exits 1 when a traceback is printed.
"""

import signal
import subprocess
import sys
import time

bad = 0
for delay in (0.9, 1.0, 1.1):  # after the imports, while the walk-through runs
    demo = subprocess.Popen(
        [sys.executable, "-m", "julep", "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    time.sleep(delay)
    demo.send_signal(signal.SIGINT)
    _, err = demo.communicate(timeout=30)
    text = err.decode()
    print(f"after {delay}s: exit {demo.returncode}; traceback: {'Traceback' in text}")
    bad += "Traceback" in text
sys.exit(1 if bad else 0)
