"""The inline timestamp shortcut (7f42d7d) hands any text with '--T::.' at every third
position and a final 'Z' to datetime.fromisoformat, which on 3.11-3.13 accepts an empty
fraction and ignores whatever follows the 6th fraction digit. julep._rfc3339.parse_datetime
(the detailed path, and every path on Python 3.10) rejects these, so the same body decodes
or raises ResponseValidationError depending on the Python version / path taken."""
import copy
import sys

sys.path.insert(0, ".")
from julep import ChatMlMessage, _fast_structure
from julep._rfc3339 import parse_datetime
from julep._serde import converter

MESSAGE = {"role": "user", "content": "hi", "id": "m1", "created_at": "2024-05-01T12:00:00Z"}

_fast_structure.ENABLED = False
reference = converter.copy()
reference.get_structure_hook(ChatMlMessage)
_fast_structure.ENABLED = True

failed = 0
for stamp in ["2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.1234567garbage!Z",
              "2024-05-01T12:00:00.123456\u0661\u0662Z", "2024-05-01T12:00:00.1234567:00Z"]:
    try:
        parse_datetime(stamp)
        rfc = "accepted"
    except ValueError:
        rfc = "rejected"
    body = {**MESSAGE, "created_at": stamp}
    try:
        fast = repr(converter.structure(copy.deepcopy(body), ChatMlMessage).created_at)
    except Exception as exc:
        fast = f"error {type(exc).__name__}"
    try:
        ref = repr(reference.structure(copy.deepcopy(body), ChatMlMessage).created_at)
    except Exception as exc:
        ref = f"error {type(exc).__name__}"
    print(f"{stamp!r}: parse_datetime {rfc}; fast path {fast}; detailed path {ref}")
    failed += fast != ref
sys.exit(1 if failed else 0)
