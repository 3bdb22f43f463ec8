"""A 404 from a base URL without ``/api`` says so; a 404 under ``/api`` is only a 404."""

from __future__ import annotations

import hypothesis
import hypothesis.strategies as st
import pytest

import julep
from julep._http import missing_api_hint
from julep.server import LocalServer

segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)


@hypothesis.given(before=st.lists(segment, max_size=3), after=st.lists(segment, max_size=3))
def test_no_hint_when_the_path_has_an_api_segment(before: list[str], after: list[str]) -> None:
    """Any URL with an ``api`` path segment gets no hint, whatever surrounds it."""
    path = "/".join(["", *before, "api", *after])
    assert missing_api_hint(404, f"https://host.example{path}") is None


@hypothesis.given(path=st.lists(segment.filter(lambda s: s != "api"), max_size=4))
def test_a_404_without_api_in_the_path_has_the_hint(path: list[str]) -> None:
    """A 404 whose path has no ``api`` segment gets the hint; other statuses never do."""
    url = "https://api.host.example/" + "/".join(path)
    assert "/api" in (missing_api_hint(404, url) or "")
    assert missing_api_hint(500, url) is None


def test_the_hint_reaches_the_error_from_a_real_server() -> None:
    """Against the local server, a base URL without /api raises NotFoundError with the hint."""
    with LocalServer() as server:
        root = server.base_url.removesuffix("/api")
        with julep.JulepApi(api_key="k", base_url=root) as client:
            with pytest.raises(julep.NotFoundError, match="base_url should end in /api"):
                client.list_agents()
        with julep.JulepApi(api_key="k", base_url=server.base_url) as client:
            with pytest.raises(julep.NotFoundError) as missing:
                client.get_agent("00000000-0000-0000-0000-000000000000")
            assert "hint" not in str(missing.value)
