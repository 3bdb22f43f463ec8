"""Turning text into full-text queries, and picking out entities.

Recall and memory search rank with SQLite FTS5's BM25. The query is the
distinct words of the text, ORed, minus common English words: without that,
"what is the capital" would recall every document containing "the".
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+")
_CAPITALISED = re.compile(r"\b[A-Z][\w'-]*")
MAX_TERMS = 32  # a long message must not turn into a huge query
_STOPWORDS = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would
    you your yours yourself yourselves tell please know let lets
"""
STOPWORDS = frozenset(_STOPWORDS.split())


def terms(text: str) -> list[str]:
    """The distinct, lower-cased, non-stopword words of ``text``, in order of appearance."""
    seen: dict[str, None] = {}
    # finditer, not findall: a long text is scanned a word at a time, which
    # stops at MAX_TERMS and lets other threads run (one findall call over
    # megabytes holds the interpreter lock, and so the event loop, throughout).
    for match in _WORD.finditer(text.lower()):
        word = match.group()
        if word not in STOPWORDS and word not in seen:
            seen[word] = None
            if len(seen) == MAX_TERMS:
                break
    return list(seen)


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression for ``text``, or None when it has no searchable words."""
    words = terms(text)
    if not words:
        return None
    # Each word is quoted, so FTS5 syntax characters in it mean nothing.
    return " OR ".join('"' + word.replace('"', '""') + '"' for word in words)


def entities(text: str) -> list[dict[str, str]]:
    """Capitalised words that are not common words, e.g. names and places.

    ``[{"name": "Paris", "type": "proper_noun"}]``; a deliberately simple rule,
    with no model behind it.
    """
    found: dict[str, None] = {}
    for match in _CAPITALISED.finditer(text):  # a word at a time, as in terms()
        word = match.group().rstrip("'-")
        if word.lower() not in STOPWORDS and len(word) > 1:
            found.setdefault(word, None)
    return [{"name": word, "type": "proper_noun"} for word in found]
