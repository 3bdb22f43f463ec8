"""Metadata integers beyond 64 bits survive the local server: stored, read, filtered on.

orjson (the server's JSON) read them as floats and could not write them back:
{"big": 123456789012345678901234567890} came back as 1.2345678901234568e+29.
"""

from __future__ import annotations

import json

import hypothesis
import hypothesis.strategies as st

from julep.client import JulepApi
from julep.server import LocalServer

BIG = st.one_of(st.integers(max_value=-(2**63) - 1), st.integers(min_value=2**64))


def test_big_int_metadata_survives_the_local_server() -> None:
    with LocalServer() as server, JulepApi(api_key="any", base_url=server.base_url) as client:

        @hypothesis.settings(max_examples=15, deadline=None)
        @hypothesis.given(number=BIG, other=st.integers(-(2**63), 2**64 - 1))
        def check(number: int, other: int) -> None:
            metadata = {"big": number, "nested": [{"n": number}], "other": other}
            created = client.create_agent(name="n", metadata=metadata)
            assert client.get_agent(agent_id=created.id).metadata == metadata
            found = client.list_agents(metadata_filter=json.dumps({"big": number})).items
            assert created.id in [agent.id for agent in found]
            client.patch_agent(agent_id=created.id, metadata={"more": number})
            assert client.get_agent(agent_id=created.id).metadata == {**metadata, "more": number}
            client.delete_agent(agent_id=created.id)

        check()
