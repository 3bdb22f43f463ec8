"""A base URL that holds the API key: refused when the client is built, never quoted.

The ConfigurationError for a query, a fragment or a scheme other than http(s)
quoted the URL whole (``?api_key=<key>``); a key in the path was accepted,
shown by ``repr(client)``, and every call failed blaming "an id or query
argument". The README: the key never appears in a repr or an error message.
"""

from __future__ import annotations

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

import julep

KEYS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_", min_size=8, max_size=40)
# Where in the URL the key is put: each a URL the client refuses.
PLACES = [
    "https://api.example.com/api?api_key={}",
    "https://api.example.com/api#{}",
    "ftp://api.example.com/{}",
    "https://api.example.com/{}/api",
    "https://api.example.com/api/{}",
]


@hypothesis.settings(max_examples=25, deadline=None)
@given(key=KEYS, place=st.sampled_from(PLACES), client=st.sampled_from(["sync", "async"]))
def test_the_key_in_the_base_url_is_refused_and_never_shown(
    key: str, place: str, client: str
) -> None:
    cls = julep.JulepApi if client == "sync" else julep.AsyncJulepApi
    with pytest.raises(julep.ConfigurationError) as caught:
        cls(api_key=key, base_url=place.format(key))
    assert key not in str(caught.value)
    assert key not in repr(caught.value)


@hypothesis.settings(max_examples=10, deadline=None)
@given(key=KEYS, place=st.sampled_from(PLACES[:3]))
def test_a_key_from_the_environment_is_blanked_too(key: str, place: str) -> None:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("JULEP_API_KEY", key)
        with pytest.raises(julep.ConfigurationError) as caught:
            julep.AsyncJulepApi(base_url=place.format(key))
    assert key not in str(caught.value)


def test_a_base_url_without_the_key_is_quoted_as_before() -> None:
    with pytest.raises(julep.ConfigurationError, match=r"'https://h/api\?v=1'"):
        julep.AsyncJulepApi(api_key="sekret-key-abcdef", base_url="https://h/api?v=1")
