"""A short dev-mode key (4-7 characters) standing alone next to punctuation is
blanked: at a sentence's end ("Invalid key dev-key.") and after "=" ("key=dev-key")
it was shown, in the message, body, request id and log line. A "." or "=" that
joins it to a longer word ("dev-key.x", "x.dev-key", "dev-key==") still keeps
the word whole."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from julep import _http

short_keys = st.text(string.ascii_letters + string.digits + "-_", min_size=4, max_size=7)
word = st.text(string.ascii_letters + string.digits, min_size=1, max_size=5)


@settings(max_examples=200, deadline=None)
@given(
    key=short_keys,
    before=st.sampled_from(["", " ", "=", "key=", "(", "'", ": "]),
    after=st.sampled_from(["", ".", ". Next", "!", ",", ")", "'", " "]),
)
def test_a_short_key_next_to_punctuation_is_blanked(key: str, before: str, after: str) -> None:
    text = f"Invalid API key {before}{key}{after}"
    secrets = (key,)
    assert key not in _http.redact_text(text, secrets).removeprefix("Invalid API key ")
    assert key.encode() not in _http.redact_bytes(text.encode(), secrets).removeprefix(
        b"Invalid API key "
    )


@settings(max_examples=200, deadline=None)
@given(key=short_keys, other=word, shape=st.sampled_from(["{k}.{w}", "{w}.{k}", "{k}==", "{w}{k}"]))
def test_a_short_key_inside_a_longer_word_is_kept(key: str, other: str, shape: str) -> None:
    text = shape.format(k=key, w=other)
    assert _http.redact_text(text, (key,)) == text
    assert _http.redact_bytes(text.encode(), (key,)) == text.encode()
