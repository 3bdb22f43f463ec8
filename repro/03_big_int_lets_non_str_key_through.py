"""A dict key that is not a str is refused (orjson: 'Dict key must be str', named by
encode_json) -- unless the body also holds an integer beyond 64 bits: then the json
fallback (julep/_bigjson.dumps) writes {1: "x"} as {"1": "x"} and None as "null",
sending another object than the one given, without a word."""
import sys

from julep import _serde

try:
    _serde.encode_json({"metadata": {"m": {1: "x"}}})
    print("no big int: sent")
except TypeError as exc:
    print("no big int: TypeError:", exc)
try:
    out = _serde.encode_json({"metadata": {"n": 2**70, "m": {1: "x", None: "y"}}})
except TypeError as exc:
    print("with a big int: TypeError:", exc)
    sys.exit(0)
print("with a big int: sent", out)
sys.exit(1)
