"""A 3xx names where it leads: the SDK does not follow redirects (the key would go along),
and a bare ``status_code: 301, body:`` did not say where the API had gone."""

from __future__ import annotations

import hypothesis
import hypothesis.strategies as st
import pytest

import julep
from julep._http import RawResponse, status_error

URL = "http://api.example.com/api/agents"
KEY = "sekret-key-abcdef"


def _error(status: int, headers: dict[str, str]) -> julep.APIStatusError:
    raw = RawResponse("GET", URL, status, headers, b"", 0, 0.0)
    return status_error(raw, (KEY,))


@hypothesis.given(status=st.sampled_from([301, 302, 303, 307, 308]))
def test_a_redirect_names_its_target(status: int) -> None:
    error = _error(status, {"Location": "https://api.example.com/api/agents"})
    assert "redirects to https://api.example.com/api/agents" in str(error)
    assert error.status_code == status


def test_a_relative_location_is_resolved_against_the_request() -> None:
    assert "redirects to http://api.example.com/v2/api/agents" in str(
        _error(308, {"Location": "/v2/api/agents"})
    )


@pytest.mark.parametrize(
    ("status", "headers"), [(304, {}), (302, {"Location": ""}), (500, {"Location": "/x"})]
)
def test_no_hint_without_a_redirect_target(status: int, headers: dict[str, str]) -> None:
    assert "redirects to" not in str(_error(status, headers))


def test_the_key_in_a_location_is_blanked() -> None:
    error = _error(302, {"Location": f"https://evil.example/?k={KEY}"})
    assert KEY not in str(error) and "<redacted>" in str(error)


@hypothesis.given(
    location=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40)
    | st.sampled_from(["http://[::1", "//[bad", "http://a]b/", "https://[::1/x"])
)
def test_any_location_gives_the_status_error(location: str) -> None:
    """A Location urljoin cannot parse ("http://[::1") was a ValueError from the error path."""
    error = _error(301, {"Location": location})
    assert isinstance(error, julep.APIStatusError) and error.status_code == 301
