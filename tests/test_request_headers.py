"""The headers a request carries, as a real server reads them, for any headers the caller adds.

Requests hand aiohttp ready-made multidicts; a header the caller gives in any
case replaces the SDK's own of that name, as a dict merge did before.
"""

from __future__ import annotations

import collections.abc
import typing

import hypothesis
import hypothesis.strategies as st
import pytest

from julep import JulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer

_NAMES = ["Accept", "accept", "ACCEPT", "User-Agent", "user-agent", "X-Trace", "x-trace"]
_NAMES += ["Content-Type", "content-type", "authorization"]


@pytest.fixture(scope="module")
def server() -> collections.abc.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _expected(*custom: dict[str, str], post: bool) -> dict[str, str]:
    """Case-insensitive, last one wins: the SDK's headers, the caller's (the
    client's, then with_options'), then the body's."""
    merged: dict[str, tuple[str, str]] = {}
    layers: list[dict[str, str]] = [
        {"Authorization": f"Bearer {API_KEY}", "Accept": "application/json"},
        *custom,
    ]
    if post:
        layers.append({"Content-Type": "application/json"})
    for layer in layers:
        for name, value in layer.items():
            merged[name.lower()] = (name, value)
    return {name: value for name, value in merged.values()}


def _received(server: LoopbackServer) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for name, value in server.last_raw_headers:
        seen.setdefault(name.decode().lower(), []).append(value.decode())
    return seen


_HEADERS = st.dictionaries(st.sampled_from(_NAMES), st.sampled_from(["a", "b/c", "text/plain"]))


@hypothesis.settings(max_examples=40, deadline=None)
@hypothesis.given(custom=_HEADERS, derived=_HEADERS)
def test_each_header_arrives_once_with_the_last_value_given(
    server: LoopbackServer, custom: dict[str, str], derived: dict[str, str]
) -> None:
    with JulepApi(api_key=API_KEY, base_url=server.base_url, headers=custom) as parent:
        for client, layers in (
            (parent, [custom]),
            (parent.with_options(headers=derived), [custom, derived]),
        ):
            for post in (False, True):
                if post:
                    client.create_user(name="n")
                else:
                    client.get_agent(agent_id="a1")
                received = _received(server)
                for name, value in _expected(*layers, post=post).items():
                    assert received[name.lower()] == [value], (name, received)
                assert ("idempotency-key" in received) is post
                assert all(len(values) == 1 for values in received.values()), received


def test_shared_headers_are_not_changed_by_a_request(server: LoopbackServer) -> None:
    """GETs send the client's shared headers as they are; POSTs add their key to a copy."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        inner = typing.cast(typing.Any, client)._async
        before = dict(inner._sent_headers), dict(inner._sent_json_headers)
        client.create_user(name="n")
        first = _received(server)["idempotency-key"]
        client.get_agent(agent_id="a1")
        client.create_user(name="n")
        assert _received(server)["idempotency-key"] != first  # a fresh key per call
        assert (dict(inner._sent_headers), dict(inner._sent_json_headers)) == before


_PAIRS = st.lists(
    st.tuples(
        st.sampled_from(["X-Trace", "x-trace", "X-TRACE", "User-Agent", "user-agent"]),
        st.sampled_from(["a", "b", "c"]),
    ),
    min_size=1,
    max_size=6,
)


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(pairs=_PAIRS, case_insensitive=st.booleans())
def test_a_multidict_sends_the_last_value_given_for_a_name(
    server: LoopbackServer, pairs: list[tuple[str, str]], case_insensitive: bool
) -> None:
    """A multidict may hold a name more than once: the last value given is sent,
    as for a dict's names in different cases (it used to send the first)."""
    from multidict import CIMultiDict, MultiDict

    given = CIMultiDict(pairs) if case_insensitive else MultiDict(pairs)
    last = {name.lower(): value for name, value in pairs}
    with JulepApi(api_key=API_KEY, base_url=server.base_url, headers=given) as client:
        for sender in (client, JulepApi.with_options(client, headers=given)):
            sender.get_agent(agent_id="a1")
            received = _received(server)
            for name, value in last.items():
                assert received[name] == [value], (pairs, received)
