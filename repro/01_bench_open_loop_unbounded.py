"""bench --rate far above what the client can send: --duration 1s --timeout 1s
should end within about duration + timeout (2 s; runner.py's docstring: "a run
ends by itself at most one timeout after its last request was sent or due";
BenchConfig.time_bound is 2 s here). It goes on sending requests long after the
duration, and for a high enough rate never ends (here stopped by SIGINT after 20 s).
"""

import subprocess
import sys
import time

cmd = [sys.executable, "-m", "julep", "bench", "--rate", "1e9", "--duration", "1s",
       "--timeout", "1s", "--concurrency", "8", "--quiet"]
start = time.monotonic()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    out, err = proc.communicate(timeout=20)
except subprocess.TimeoutExpired:
    proc.send_signal(2)
    out, err = proc.communicate(timeout=30)
took = time.monotonic() - start
print(out)
print(f"took {took:.1f} s (setup included); exit code {proc.returncode}")
if took > 12 or proc.returncode != 0:
    print("DEFECT: a 1 s open-loop run with a 1 s timeout did not end by itself in time")
    sys.exit(1)
