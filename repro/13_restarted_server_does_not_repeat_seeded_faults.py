"""A LocalServer restarted with the same ``faults_seed`` injects other faults.

README/faults.py: "With a seed the sequence of faults is the same on every run for
the same order of requests." The fault plan (its random source and counts) is made
once, in ``__init__``, so a second start() of the same server object continues the
first run's sequence instead of repeating it, and ``fault_counts`` add up both runs.

Expected: both runs print the same statuses and the same counts.
"""

import json
import logging
import sys
import urllib.error
import urllib.request

from julep.server import LocalServer

logging.disable(logging.WARNING)


def statuses(server: LocalServer) -> list[int]:
    seen = []
    for _ in range(12):
        try:
            with urllib.request.urlopen(server.base_url + "/agents", timeout=10) as response:
                seen.append(response.status)
        except urllib.error.HTTPError as error:
            seen.append(error.code)
    return seen


server = LocalServer(faults="500=0.3,429=0.3", faults_seed=42)
runs = []
for _ in range(2):
    with server:
        runs.append((statuses(server), server.fault_counts))
for seen, counts in runs:
    print(seen, json.dumps(counts))
sys.exit(0 if runs[0] == runs[1] else 1)
