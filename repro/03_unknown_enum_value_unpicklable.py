"""A model decoded with an enum value this SDK does not know (a server that added a job state,
a finish reason, a tool type...) pickles, but cannot be unpickled: ValueError.

The SDK promises such values "break nothing" (julep/_serde.py docstring: an unknown value
decodes to a pseudo-member). Pickle is how models cross process boundaries (multiprocessing,
caches, Celery); a cached JobStatus or ChatResponse breaks every later load.
"""
import pickle
import sys

import julep
from julep._serde import converter

job = converter.structure(
    {"id": "j", "name": "n", "created_at": "2024-05-01T12:00:00Z", "state": "paused"},
    julep.JobStatus,
)
print("decoded:", job.state)
try:
    again = pickle.loads(pickle.dumps(job))
except Exception as exc:
    print(f"DEFECT: pickle round trip failed: {type(exc).__name__}: {exc}")
    sys.exit(1)
print("unpickled:", again.state, again == job)
sys.exit(0 if again == job and again.state == "paused" else 1)
