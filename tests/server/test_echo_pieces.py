"""The echo model splits replies into words in linear time, as before minus the backtracking."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from julep.server.backends.echo import cut, pieces

# The pattern pieces() used to be: each word with the whitespace before it.
_OLD = re.compile(r"\s*\S+")


@given(st.text(alphabet=st.sampled_from(" \t\n\u00a0\u2003ab.\"'é"), max_size=60))
def test_pieces_are_each_word_with_the_whitespace_before_it(text: str) -> None:
    """pieces() gives what the old whitespace-then-word pattern found, for any text."""
    assert pieces(text) == _OLD.findall(text)


def test_trailing_whitespace_is_split_in_linear_time() -> None:
    """A reply cut by a stop just after 400,000 spaces is split (the old pattern took hours)."""
    text = 'You said: "' + " " * 400_000 + 'Z".'
    assert cut(text, ["Z"], 200) == ('You said: "', "stop")
