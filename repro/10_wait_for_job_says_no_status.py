"""wait_for_job(job_id, timeout=1) on a job that answers "running" to every poll
raises "job j gave no status within wait_for_job's 1.0s" (after 4 polls that all
answered): the sleep before the last poll takes what is left of the wait, so that
poll runs with ~0 s and is always cut off (a request sent for nothing). The message meant for this case, "job j
is still running after 1.0s", comes out only with timeout=0.
"""
from __future__ import annotations

import json
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _harness import Capture  # noqa: E402

from julep import APITimeoutError, JulepApi  # noqa: E402

RUNNING = {
    "name": "j", "reason": "r", "id": "00000000-0000-4000-8000-000000000000",
    "created_at": "2024-01-01T00:00:00Z", "updated_at": "2024-01-01T00:00:00Z",
    "has_progress": False, "progress": 0, "state": "running",
}
server = Capture(status=200, body=json.dumps(RUNNING).encode())
bad = 0
with JulepApi(api_key="sk-repro-0123456", base_url=server.base_url) as client:
    for timeout in (1.0, 0.5, 0.3):
        try:
            client.wait_for_job("j", timeout=timeout)
        except APITimeoutError as exc:
            ok = "is still running" in str(exc)
            bad += not ok
            print("ok " if ok else "BAD", f"timeout={timeout}:", exc, f"({server.count} polls so far)")
sys.exit(1 if bad else 0)
