"""Lists: the items wrapper, paging, sorting, and the metadata filter."""

from __future__ import annotations

import urllib.parse

import hypothesis
import orjson
import pytest
from hypothesis import strategies as st

from julep.server.db import _metadata_matches

from .helpers import Api

pytestmark = pytest.mark.anyio


async def _names(api: Api, path: str, **params: str) -> list[str]:
    reply = await api.get(path, params=params)
    assert reply.status == 200, reply
    return [item["name"] for item in reply.body["items"]]


async def test_empty_lists_are_wrapped(api: Api) -> None:
    """A list is always an object with items, even when empty."""
    for path in ("/agents", "/users", "/sessions"):
        assert (await api.get(path)).body == {"items": []}


async def test_default_order_is_newest_first_and_asc_reverses(api: Api) -> None:
    """Lists default to created_at descending; order=asc reverses."""
    for name in ("a", "b", "c"):
        await api.agent(name=name)
    assert await _names(api, "/agents") == ["c", "b", "a"]
    assert await _names(api, "/agents", order="asc") == ["a", "b", "c"]


async def test_sort_by_updated_at(api: Api) -> None:
    """sort_by=updated_at orders by the last change, not creation."""
    first = await api.agent(name="first")
    await api.agent(name="second")
    await api.patch(f"/agents/{first}", json={"about": "touched"})
    assert await _names(api, "/agents", sort_by="updated_at") == ["first", "second"]
    assert await _names(api, "/agents", sort_by="created_at") == ["second", "first"]


async def test_julep_039_enum_strings_are_understood(api: Api) -> None:
    """0.3.9 sends str() of its enum members; they map to their values."""
    for name in ("a", "b"):
        await api.user(name=name)
    params = {"sort_by": "ListUsersRequestSortBy.CREATED_AT", "order": "ListUsersRequestOrder.ASC"}
    assert await _names(api, "/users", **params) == ["a", "b"]


async def test_limit_and_offset_page_through(api: Api) -> None:
    """limit and offset cut pages out of the sorted list."""
    for index in range(5):
        await api.agent(name=str(index))
    assert await _names(api, "/agents", limit="2", order="asc") == ["0", "1"]
    assert await _names(api, "/agents", limit="2", offset="2", order="asc") == ["2", "3"]
    assert await _names(api, "/agents", offset="4", order="asc") == ["4"]


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        ({"limit": "0"}, "limit: must be an integer between 1 and 1000, got '0'"),
        ({"limit": "1001"}, "limit: must be an integer between 1 and 1000, got '1001'"),
        ({"limit": "x"}, "limit: must be an integer between 1 and 1000, got 'x'"),
        ({"offset": "-1"}, "offset: must be an integer between 0 and"),
        ({"sort_by": "name"}, "sort_by: expected one of created_at, updated_at, got 'name'"),
        ({"order": "up"}, "order: expected one of asc, desc, got 'up'"),
    ],
)
async def test_bad_paging_is_422_naming_the_parameter(
    api: Api, params: dict[str, str], detail: str
) -> None:
    """Out-of-range or malformed list parameters are 422 naming the parameter."""
    reply = await api.get("/agents", params=params)
    assert reply.status == 422
    assert reply.body["detail"].startswith(detail)


async def test_metadata_filter_is_an_and_of_equalities(api: Api) -> None:
    """Only items whose metadata has every key/value of the filter are listed."""
    await api.agent(name="both", metadata={"team": "red", "tier": 1})
    await api.agent(name="team", metadata={"team": "red", "tier": 2})
    await api.agent(name="none", metadata={})
    assert await _names(api, "/agents", metadata_filter='{"team": "red"}') == ["team", "both"]
    assert await _names(api, "/agents", metadata_filter='{"team": "red", "tier": 1}') == ["both"]
    assert await _names(api, "/agents", metadata_filter="{}") == ["none", "team", "both"]


@hypothesis.settings(max_examples=60, deadline=None, database=None)
@hypothesis.given(
    stored=st.sampled_from([True, False, 0, 1, 0.0, 1.0, [1], [True], {"a": 0}, {"a": False}]),
    wanted=st.sampled_from([True, False, 0, 1, 0.0, 1.0, [1], [True], {"a": 0}, {"a": False}]),
)
def test_metadata_filter_compares_json_values(stored: object, wanted: object) -> None:
    """JSON true is not 1 and false is not 0, at any depth (Python's == says they are);
    1 and 1.0 are the same JSON number."""

    def kind(value: object) -> object:
        if isinstance(value, bool):
            return ("bool", value)
        if isinstance(value, (int, float)):
            return ("number", float(value))
        if isinstance(value, list):
            return [kind(item) for item in value]
        assert isinstance(value, dict)
        return {key: kind(item) for key, item in value.items()}

    stored_json = orjson.dumps({"k": stored}).decode()
    wanted_json = orjson.dumps({"k": wanted}).decode()
    assert _metadata_matches(stored_json, wanted_json) is (kind(stored) == kind(wanted))


async def test_metadata_filter_form_encoded_with_plus_for_space(api: Api) -> None:
    """The filter as 0.3.9 sends it (httpx form encoding, '+' for a space) is decoded."""
    await api.user(name="spaced", metadata={"a": "b c"})
    await api.user(name="other", metadata={"a": "b"})
    query = urllib.parse.urlencode({"metadata_filter": '{"a": "b c"}'})
    assert "+" in query
    reply = await api.get(f"/users?{query}")
    assert [u["name"] for u in reply.body["items"]] == ["spaced"]


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("{nope", "metadata_filter is not a valid JSON"),
        ("[1]", "metadata_filter must be a JSON object"),
    ],
)
async def test_bad_metadata_filter_is_400(api: Api, raw: str, detail: str) -> None:
    """A filter that is not a JSON object is 400, as the API of 0.3.x answered."""
    for path in ("/agents", "/users", "/sessions"):
        reply = await api.get(path, params={"metadata_filter": raw})
        assert (reply.status, reply.body) == (400, {"detail": detail})


@hypothesis.settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(depth=st.integers(min_value=65, max_value=1000), as_list=st.booleans())
async def test_deep_metadata_filter_is_400(api: Api, depth: int, as_list: bool) -> None:
    """A filter nested past the body's depth bound is 400 naming it, never a 500."""
    # Objects take more of the URL's 8 KiB a level than lists do.
    levels = depth if as_list else 65 + (depth - 65) // 4
    inner = "[" * levels + "]" * levels if as_list else '{"a":' * levels + "1" + "}" * levels
    raw = '{"k":' + inner + "}"
    reply = await api.get("/agents", params={"metadata_filter": raw})
    detail = "metadata_filter is nested deeper than 64 levels"
    assert (reply.status, reply.body) == (400, {"detail": detail})


async def test_sessions_and_docs_are_filtered_too(api: Api) -> None:
    """Sessions and docs take the same filter."""
    agent_id = await api.agent()
    await api.session(agent_id, metadata={"k": "yes"})
    await api.session(agent_id, metadata={"k": "no"})
    reply = await api.get("/sessions", params={"metadata_filter": '{"k": "yes"}'})
    assert [s["metadata"] for s in reply.body["items"]] == [{"k": "yes"}]
    await api.created(
        f"/agents/{agent_id}/docs", {"title": "a", "content": "x", "metadata": {"k": 1}}
    )
    await api.created(f"/agents/{agent_id}/docs", {"title": "b", "content": "x"})
    reply = await api.get(f"/agents/{agent_id}/docs", params={"metadata_filter": '{"k": 1}'})
    assert [d["title"] for d in reply.body["items"]] == ["a"]


@pytest.mark.parametrize("char", ["x", "é", '"', "\x01", "😀"])
async def test_any_metadata_the_server_keeps_can_be_a_filter(api: Api, char: str) -> None:
    """Metadata is kept up to 64 KiB of JSON, but a metadata_filter over aiohttp's 8,190-byte
    request line was a plain-text 400 (any filter on a value of ~3,000 characters or
    more); the request line now fits the largest filter, percent-encoded (atkY repro/03)."""
    budget = 65536 - len(b'{"k":""}')
    per_char = len(orjson.dumps(char)) - 2
    metadata = {"k": char * (budget // per_char)}
    assert len(orjson.dumps(metadata)) <= 65536
    await api.agent(name="kept", metadata=metadata)
    await api.agent(name="other", metadata={"k": "y"})
    wanted = orjson.dumps(metadata).decode()
    assert await _names(api, "/agents", metadata_filter=wanted) == ["kept"]
