"""A caller's own attrs object in a dict argument's metadata is refused since 1c44e38.

Before (853c67c) create_agent(metadata={"where": Place(...)}) sent the attrs object as
its fields (the encoder unstructures any attrs class). Now _unstructure_model runs
_check_wire_form on every attrs class, structuring the caller's class back with the
julep converter: a field typed uuid.UUID or object has no structure hook, so the call
raises TypeError "cannot be sent as JSON ... is a field of the wrong type?" though no
field is wrong. It also builds the caller's class a second time (its
__attrs_post_init__/validators run again). The same object inside a julep model
(CreateDoc(metadata=...)) is still sent: the check is only meant for julep's models.
"""
import sys
import uuid

import attrs

from julep import JulepApi
from julep.server import LocalServer

BUILT = 0


@attrs.define
class Place:
    name: str
    ref: uuid.UUID
    extra: object = None

    def __attrs_post_init__(self) -> None:
        global BUILT
        BUILT += 1


with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:
    place = Place("Se", uuid.UUID(int=7))
    try:
        agent = client.create_agent(name="a", metadata={"where": place})
    except TypeError as exc:
        print("create_agent: TypeError:", exc)
        sys.exit(1)
    print(client.get_agent(agent.id).metadata, "Place built", BUILT, "times")
    sys.exit(0 if BUILT == 1 else 1)
