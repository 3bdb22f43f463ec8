"""A base URL with a query or a fragment is refused when the client is built."""

from __future__ import annotations

import os
from unittest import mock

import hypothesis
import hypothesis.strategies as st
import pytest

import julep


@hypothesis.settings(max_examples=30, deadline=None)
@hypothesis.given(
    tail=st.sampled_from(["?", "#", "?v=1", "#x", "/?v=1", "?a=b#c", "/#/agents"]),
    env=st.booleans(),
)
def test_base_url_with_a_query_or_fragment_is_refused(tail: str, env: bool) -> None:
    """Operation paths are appended to the base URL: after a query or a fragment they
    would be sent as part of it (or not at all), so such a URL is refused at build time."""
    url = "http://127.0.0.1:9/api" + tail
    with mock.patch.dict(os.environ, {"JULEP_API_URL": url} if env else {}):
        with pytest.raises(julep.ConfigurationError, match="query or fragment"):
            julep.JulepApi(api_key="k" * 12, base_url=None if env else url)
