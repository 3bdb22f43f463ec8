"""A caller's subclass of a request model (class MyMessage(InputChatMlMessage): ...)
is sent as a plain attrs object since left-out fields read as None (bbdcd0e/cc26aff):
a "_present" key, Python names ("continue_"), and a null for every field left out.
At dc9297b the same call raised TypeError (_Omit is not JSON serializable); julep
0.3.9 (pydantic) sent {"role": "user", "content": "hi"}.

Expected: the body the base class gives. Exits 1 when wrong."""
import sys
import attrs
import orjson
from julep._serde import encode_json
from julep.models import AgentDefaultSettings, InputChatMlMessage


@attrs.frozen(kw_only=True)
class MyMessage(InputChatMlMessage):
    pass


class MySettings(AgentDefaultSettings):  # not even decorated
    pass


got = [orjson.loads(encode_json(MyMessage(role="user", content="hi"))),
       orjson.loads(encode_json({"default_settings": MySettings(temperature=0.5)}))]
want = [{"role": "user", "content": "hi"}, {"default_settings": {"temperature": 0.5}}]
for g, w in zip(got, want):
    print("sent", g, "\n  expected", w)
sys.exit(0 if got == want else 1)
