"""An integer with more digits than Python will write (sys.get_int_max_str_digits(),
4300) in a dict argument raises ValueError 'Exceeds the limit (4300 digits) for
integer string conversion ...', naming no argument. README (Errors): bad arguments
raise TypeError or ValueError naming the argument. Before 16273ac it was a TypeError
'metadata.m: int cannot be sent as JSON (Integer exceeds 64-bit range)'. Minor."""
import sys

from julep import JulepApi

with JulepApi(api_key="k" * 12, base_url="http://127.0.0.1:9/api", max_retries=0) as client:
    try:
        client.create_agent(name="a", metadata={"m": 10**5000})
    except (TypeError, ValueError) as exc:
        print(type(exc).__name__, exc)
        sys.exit(0 if "metadata" in str(exc) else 1)
sys.exit(1)
