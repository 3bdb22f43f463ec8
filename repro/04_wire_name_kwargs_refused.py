"""julep 0.3.9's models took the wire names of renamed fields as keyword arguments
(pydantic allow_population_by_field_name): a message kept as it was sent,
{"role": "user", "content": "x", "continue": True}, rebuilt with InputChatMlMessage(**m).
Here that raised TypeError: unexpected keyword argument 'continue' (same for
ChatSettingsResponseFormat(**{"schema": ...})). Seed: `from julep import InputChatMlMessage`."""
import sys

import julep

bad = []
for cls, kwargs in [
    (julep.InputChatMlMessage, {"role": "user", "content": "x", "continue": True}),
    (julep.ChatSettingsResponseFormat, {"type": "json_object", "schema": {"type": "object"}}),
]:
    try:
        model = cls(**kwargs)
        print(cls.__name__, "->", model.dict())
    except TypeError as exc:
        bad.append(f"{cls.__name__}(**{kwargs}) raised TypeError: {exc}")
for line in bad:
    print("DEFECT:", line)
sys.exit(1 if bad else 0)
