"""`python -m julep bench` exits 0 (a CI gate passes) after sending no request at all:
--duration 10ms typed for 10s, or a huge --concurrency whose workers are still being
started when the time is up (--concurrency 1000000000 --duration 2s: 0 requests,
~60 MB of memory per second of duration, exit 0). The bench's own rule, for a run
whose requests all failed: "Nothing was measured: a gate without thresholds must not
pass it" (exit 1). Exits 1 while the defect is present."""

import subprocess
import sys

run = subprocess.run(
    [sys.executable, "-m", "julep", "bench", "--duration", "0.000001ms", "--quiet"],
    capture_output=True,
    text=True,
    timeout=120,
)
print(run.stdout[-400:], run.stderr[-400:])
print("exit code", run.returncode)
sys.exit(1 if run.returncode == 0 and "requests      0" in run.stdout else 0)
