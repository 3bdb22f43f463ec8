"""One long message is worked on a thread, as many messages are: not on the event loop.

A chat of one 4 MiB message was "small" (under 64 messages), so the echo model
split it into words, and recall scanned it for search terms, on the loop: each
such request held every other client (a 404 included) for about half a second.
"""

from __future__ import annotations

import threading
import typing

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from julep.server import offload, textmatch
from julep.server.backends import echo

from .helpers import Api

pytestmark = pytest.mark.anyio

LONG = offload.LARGE_TEXT + 1


def _size(value: object) -> int:
    if isinstance(value, str):
        return len(value)
    messages = getattr(value, "messages", ())  # a Prompt
    return sum(len(message.text) for message in messages)


def _spy(monkeypatch: pytest.MonkeyPatch, module: object, name: str, threads: list[int]) -> None:
    """Note the thread of each call of ``module.name`` given a long text."""
    real = getattr(module, name)

    def spy(value: typing.Any, *args: typing.Any) -> typing.Any:
        if _size(value) >= LONG:
            threads.append(threading.get_ident())
        return real(value, *args)

    monkeypatch.setattr(module, name, spy)


@pytest.mark.parametrize("path", ["chat", "stream", "gateway"])
async def test_one_long_message_is_not_worked_on_the_loop(
    api: Api, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The echo model's reply and recall's search terms for one long message run on a thread."""
    threads: list[int] = []
    _spy(monkeypatch, echo, "_complete", threads)
    _spy(monkeypatch, echo, "pieces", threads)
    _spy(monkeypatch, textmatch, "fts_query", threads)
    text = "tram " * (LONG // 5 + 1)
    if path == "gateway":
        body = {"messages": [{"role": "user", "content": text}]}
        reply = await api.post("/../v1/chat/completions", json=body)
    else:
        session_id = await api.session(await api.agent())
        headers = {"Accept": "text/event-stream"} if path == "stream" else None
        stream = {"stream": True} if path == "stream" else {}
        reply = await api.chat(session_id, text, headers=headers, remember=False, **stream)
    assert reply.status == 200, reply
    assert threads, "no long text was worked on"
    assert threading.get_ident() not in threads  # the test's thread runs the server's loop


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from("aZ İß'-_ 1.\u0307\n"), max_size=80))
def test_terms_and_entities_are_those_of_the_whole_text_scan(text: str) -> None:
    """Scanning a word at a time finds what one findall over the text found."""
    old_terms: dict[str, None] = {}
    for word in textmatch._WORD.findall(text.lower()):
        if word not in textmatch.STOPWORDS and len(old_terms) < textmatch.MAX_TERMS:
            old_terms.setdefault(word, None)
    assert textmatch.terms(text) == list(old_terms)
    old_entities: dict[str, None] = {}
    for match in textmatch._CAPITALISED.findall(text):
        word = match.rstrip("'-")
        if word.lower() not in textmatch.STOPWORDS and len(word) > 1:
            old_entities.setdefault(word, None)
    assert [found["name"] for found in textmatch.entities(text)] == list(old_entities)
