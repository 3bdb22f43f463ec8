"""README: "code written for 0.3.9 runs unchanged" and "In metadata and other free-form
objects, a set goes out as a list and a path as a string, as julep 0.3.9 sent them".
julep 0.3.9 (pydantic's jsonable_encoder) also sent a Decimal as a number, a timedelta
as seconds, an IP address as a string and a deque as a list; this SDK raised TypeError
for each (metadata={"price": Decimal("9.99")}, an amount read from a database).
Exits 1 while the defect is there."""

import collections
import datetime
import decimal
import ipaddress
import sys

from julep import JulepApi
from julep.server import LocalServer

VALUES = {
    "price": (decimal.Decimal("9.99"), 9.99),
    "ttl": (datetime.timedelta(minutes=1), 60.0),
    "ip": (ipaddress.IPv4Address("10.0.0.1"), "10.0.0.1"),
    "queue": (collections.deque([1, 2]), [1, 2]),
}
failed = 0
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    for key, (value, wire) in VALUES.items():
        try:
            agent = client.create_agent(name="shop", metadata={key: value})
            got = client.get_agent(agent.id).metadata[key]
            print(key, "->", repr(got), "ok" if got == wire else f"expected {wire!r}")
            failed += got != wire
        except TypeError as error:
            print(key, "raised TypeError:", error)
            failed += 1
sys.exit(1 if failed else 0)
