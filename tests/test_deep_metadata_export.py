"""A model decoded from a response exports whatever depth its free-form data had.

The export walked nested lists and dicts recursively, two frames a level:
metadata nested ~500 deep (orjson reads 1023) decoded fine, and then
``.dict()``, ``.to_dict()``, ``.json()`` and ``.to_json()`` raised RecursionError.
"""

from __future__ import annotations

import datetime as dt

import hypothesis
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from julep import CreateDoc
from julep._http import structure
from julep.models import Agent
from julep.models._export import iso_datetime


def _agent(metadata: str) -> Agent:
    body = (
        '{"id": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "name": "a", "model": "m", '
        f'"created_at": "2024-01-01T00:00:00Z", "metadata": {metadata}}}'
    )
    return structure(orjson.loads(body), Agent)


@hypothesis.settings(max_examples=15, deadline=None)
@given(depth=st.integers(min_value=1, max_value=1020), as_dict=st.booleans())
def test_as_deep_as_a_response_can_be(depth: int, as_dict: bool) -> None:
    inner = '{"k": ' * depth + "1" + "}" * depth if as_dict else "[" * depth + "1" + "]" * depth
    agent = _agent('{"a": ' + inner + "}")
    assert agent.to_dict()["metadata"] == agent.metadata == agent.dict()["metadata"]


@pytest.mark.parametrize("export", ["dict", "to_dict", "json", "to_json"])
def test_past_where_recursion_ran_out(export: str) -> None:
    depth = 800
    agent = _agent('{"a": ' + "[" * depth + "]" * depth + "}")
    assert getattr(agent, export)()  # was RecursionError from about 494 levels


def test_the_copy_keeps_order_types_and_nested_models() -> None:
    when = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    inner = CreateDoc(title="t", content="c")
    metadata = {"b": 1, "a": (1, 2, {"z": when, "y": [inner]})}
    doc = CreateDoc(title="t", content="c", metadata=metadata)
    exported = doc.to_dict()["metadata"]
    assert list(exported) == ["b", "a"]
    assert exported["a"] == [1, 2, {"z": iso_datetime(when), "y": [inner.to_dict()]}]
    assert doc.dict()["metadata"]["a"][2]["z"] == when
    # A copy all the way down: changing it leaves the model alone.
    exported["a"][2]["y"].append(0)
    assert len(doc.metadata["a"][2]["y"]) == 1


def test_a_container_holding_itself_is_refused() -> None:
    cyclic: dict[str, object] = {}
    cyclic["self"] = cyclic
    with pytest.raises(ValueError, match="holds itself"):
        CreateDoc(title="t", content="c", metadata=cyclic).to_dict()
    shared = [1]  # the same list twice is no cycle
    assert CreateDoc(title="t", content="c", metadata={"x": shared, "y": shared}).to_dict()[
        "metadata"
    ] == {"x": [1], "y": [1]}
