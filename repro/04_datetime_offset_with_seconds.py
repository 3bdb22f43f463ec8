"""A julep model holding an aware datetime whose UTC offset has seconds is written
with an offset RFC 3339 has no room for ('+00:19:32': zoneinfo's local mean time for
Europe/Amsterdam before 1937, and for most zones before ~1900). Since 1c44e38 the wire
check reads it back with the strict RFC 3339 parser, so such a model in a dict
argument is refused as 'not an RFC 3339 datetime' though the datetime is valid
(853c67c sent it); .json() writes the same text, which the SDK's own decoder refuses.
Expected: the same instant written in UTC."""
import datetime as dt
import sys
from zoneinfo import ZoneInfo

from julep import Doc, JulepApi
from julep._rfc3339 import parse_datetime
from julep.server import LocalServer

when = dt.datetime(1900, 1, 1, tzinfo=ZoneInfo("Europe/Amsterdam"))
doc = Doc(id="d1", title="letter", content="an old letter", created_at=when)
print("json:", doc.json())
with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    try:
        agent = client.create_agent(name="a", metadata={"source": doc})
    except TypeError as exc:
        print("TypeError:", exc)
        sys.exit(1)
    sent = client.get_agent(agent.id).metadata["source"]["created_at"]
    print("sent:", sent)
    sys.exit(0 if parse_datetime(sent).timestamp() == when.timestamp() else 1)
