"""path_id's safe-id cache (ccb6375) checks `value.__class__ is str`, which an object can fake
with a class attribute; one hashing and comparing like a cached id is returned as the id (a
non-str), where the cold path (and 3dd88a2) raised TypeError. Contrived, but the cache changes
an outcome depending on call order."""
import sys

sys.path.insert(0, ".")
from julep import _params


class ClaimsToBeStr:
    __class__ = str

    def __hash__(self):
        return hash("agent-1")

    def __eq__(self, other):
        return other == "agent-1"


def outcome():
    try:
        return ("ok", type(_params.path_id("agent_id", ClaimsToBeStr())).__name__)
    except Exception as exc:
        return ("error", type(exc).__name__)


cold = outcome()
_params.path_id("agent_id", "agent-1")
warm = outcome()
print("cold:", cold, "warm:", warm)
sys.exit(0 if cold == warm else 1)
