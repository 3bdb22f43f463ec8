"""Sending back a history message (or a tool) read with a value this SDK does not know
fails with a message that names nothing: 'this ChatMlMessage cannot be sent as a
InputChatMlMessage: invalid value @ $' (and 'this Tool cannot be sent as a
CreateToolRequest: invalid value @ $'). The model's enum check says which enum and
what it takes ('InputChatMlMessageRole: expected one of ..., got 'developer''), but
describe_error (6706ddf: 'decode errors keep the decoders' own messages') drops it."""
import sys

from julep import JulepApi
from julep._serde import converter
from julep.api import ChatMlMessage

history = converter.structure(
    {"id": "m1", "role": "developer", "content": "x", "created_at": "2024-05-01T12:00:00Z"},
    ChatMlMessage,
)
with JulepApi(api_key="k" * 12, base_url="http://127.0.0.1:9/api", max_retries=0) as client:
    try:
        client.chat("6f4c2c2e-7b3a-4c1e-9a55-0e3c1f1a2b3c", messages=[history])
    except ValueError as exc:
        print("ValueError:", exc)
        sys.exit(0 if "expected one of" in str(exc) and "got 'developer'" in str(exc) else 1)
    except Exception as exc:
        print(type(exc).__name__, exc)
sys.exit(1)
