"""(Pre-existing in julep/_rfc3339.py, found while checking 7f42d7d's reference.) On Python
3.11+ parse_datetime's fromisoformat shortcut accepts text its own grammar (parse_general) and
Python 3.10 refuse: fromisoformat stops reading at a NUL, so '2024-05-01T12:00:Z\\x00.123456Z'
decodes as 12:00 UTC with the seconds missing."""
import sys

sys.path.insert(0, ".")
from julep._rfc3339 import parse_datetime, parse_general

text = "2024-05-01T12:00:Z\x00.123456Z"
for parse in (parse_general, parse_datetime):
    try:
        print(parse.__name__, "->", repr(parse(text)))
    except ValueError as exc:
        print(parse.__name__, "-> ValueError", exc)
try:
    parse_datetime(text)
except ValueError:
    sys.exit(0)
sys.exit(1)
