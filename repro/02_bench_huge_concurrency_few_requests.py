"""bench --requests 1 --concurrency 1000000: one request to send, yet the closed
loop starts a million workers first (GBs of memory, over a minute, no request
sent in 20 s). Expected: a run of one request ends at once (workers beyond the
request count have nothing to do).
"""

import subprocess
import sys
import time

cmd = [sys.executable, "-m", "julep", "bench", "--requests", "1", "--concurrency", "1000000",
       "--quiet"]
start = time.monotonic()
proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
try:
    out, err = proc.communicate(timeout=20)
except subprocess.TimeoutExpired:
    proc.send_signal(2)
    out, err = proc.communicate(timeout=120)
took = time.monotonic() - start
print(out)
print(f"took {took:.1f} s; exit code {proc.returncode}")
if took > 15 or proc.returncode != 0:
    print("DEFECT: one request with a huge --concurrency did not finish promptly")
    sys.exit(1)
