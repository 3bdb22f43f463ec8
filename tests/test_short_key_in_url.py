"""A short dev-mode key (4 to 7 characters) given as an id stands alone between the
URL's slashes: blanked in the error's message and url and in every log line, as README
promises for a short key standing alone (longer keys are refused in URLs)."""

from __future__ import annotations

import logging
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep.server import LocalServer

# Not a word of the URL itself ("agents" would blank the path too).
short_keys = st.text(string.ascii_letters + string.digits + "-_", min_size=4, max_size=7).filter(
    lambda key: key != "agents"
)


@settings(max_examples=15, deadline=None)
@given(key=short_keys)
def test_a_short_key_given_as_an_id_never_shows(key: str) -> None:
    logger = logging.getLogger("julep")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(logging.DEBUG)
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.DEBUG)
    try:
        with (
            LocalServer(api_key=key) as server,
            julep.JulepApi(api_key=key, base_url=server.base_url, max_retries=0) as client,
        ):
            with pytest.raises(julep.APIStatusError) as caught:
                client.get_agent(key)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    error = caught.value
    assert error.url is not None and error.url.endswith("/agents/<redacted>")
    for text in (str(error), repr(error), error.url, *records):
        assert f"/{key}" not in text, text
