"""(Pre-existing, not from 7f42d7d/ccb6375.) An int field accepts an integral float from the
server, 1.8446744073709552e+19 (2**64), and keeps it as the Python int 2**64; re-sending or
dumping the decoded model then fails with a raw TypeError from orjson instead of a julep error
(or the decoder refusing the value)."""
import sys

sys.path.insert(0, ".")
import julep
from julep._serde import converter, dumps

usage = converter.structure(
    {"completion_tokens": 0, "prompt_tokens": 0, "total_tokens": 1.8446744073709552e19},
    julep.CompletionUsage,
)
print("decoded:", usage)
try:
    print(dumps(usage))
except Exception as exc:
    print("dumps(decoded model) raised", type(exc).__name__, exc)
    sys.exit(1)
