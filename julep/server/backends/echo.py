"""The echo model: an offline, deterministic stand-in for a language model.

It makes up nothing. Its reply says back what it was given, so a test can see
the context the server assembled:

    [opener] You said: "<last message>". I recalled: <doc titles>.
    I follow these instructions: <instructions>. I know the situation: <situation>.
    I remember <n> earlier messages.

(each part only when there is something to say). Settings it honours:

- ``seed``: picks the opener, so different seeds vary the reply and the same
  seed repeats it; without a seed there is no opener.
- ``stop``: the reply is cut before the first stop sequence (finish_reason
  ``stop``).
- ``max_tokens`` (default 200): a token is a whitespace-separated word; a
  longer reply is cut to that many words (finish_reason ``length``).
- ``usage``: prompt tokens are the words of every message in the assembled
  context, completion tokens the words of the reply.

It ignores temperature, top_p, penalties, logit_bias and response_format, and
never calls tools.
"""

from __future__ import annotations

import random
import re
import typing

from .. import offload
from ._types import Completion, Prompt

OPENERS = ("Sure.", "Certainly.", "Okay.", "Right.", "Of course.", "Gladly.", "Alright.", "Well.")
# Words only: a "whitespace then word" pattern backtracks through every run of
# whitespace that no word follows, from each of its positions (quadratic: a reply
# ending in 100,000 spaces held the interpreter for minutes).
_WORD = re.compile(r"\S+")


def _sentence(text: str) -> str:
    """``text`` ending in one full stop (instructions often bring their own)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def compose(prompt: Prompt) -> str:
    """The full reply, before ``stop`` and ``max_tokens`` apply."""
    parts = []
    if prompt.settings.seed is not None:
        parts.append(random.Random(prompt.settings.seed).choice(OPENERS))
    parts.append(f'You said: "{prompt.last_text}".')
    if prompt.docs:
        parts.append("I recalled: " + ", ".join(doc.title for doc in prompt.docs) + ".")
    if prompt.instructions:
        rules = " ".join(_sentence(rule) for rule in prompt.instructions)
        parts.append(f"I follow these instructions: {rules}")
    if prompt.situation:
        parts.append(f"I know the situation: {_sentence(prompt.situation)}")
    if prompt.history_count:
        parts.append(f"I remember {prompt.history_count} earlier messages.")
    return " ".join(parts)


def cut(text: str, stop: typing.Sequence[str], max_tokens: int) -> tuple[str, str]:
    """``text`` cut at the first stop sequence, then to ``max_tokens`` words.

    Returns the text and the finish reason.
    """
    cuts = [index for index in (text.find(sequence) for sequence in stop if sequence) if index >= 0]
    if cuts:
        text = text[: min(cuts)]
    words = pieces(text)
    if len(words) > max_tokens:
        return "".join(words[:max_tokens]), "length"
    return text.rstrip(), "stop"


def pieces(text: str) -> list[str]:
    """The words of ``text``, each with the whitespace before it: one per stream chunk."""
    found = []
    start = 0
    for word in _WORD.finditer(text):
        found.append(text[start : word.end()])
        start = word.end()
    return found


def _complete(prompt: Prompt) -> Completion:
    content, finish_reason = cut(compose(prompt), prompt.settings.stop, prompt.settings.max_tokens)
    return Completion(
        content=content,
        finish_reason=finish_reason,
        prompt_tokens=prompt.prompt_tokens(),
        completion_tokens=len(content.split()),
    )


def _heavy(prompt: Prompt) -> bool:
    """Whether composing and splitting the reply is worth a thread: many messages, or much text."""
    if len(prompt.messages) > offload.LARGE_CHAT:
        return True
    return sum(len(message.text) for message in prompt.messages) > offload.LARGE_TEXT


class EchoBackend:
    """The default backend; see the module docstring for what it does."""

    async def complete(self, prompt: Prompt) -> Completion:
        return await offload.run(_heavy(prompt), _complete, prompt)

    async def stream(self, prompt: Prompt) -> typing.AsyncIterator[list[str] | Completion]:
        completion = await self.complete(prompt)
        yield await offload.run(
            len(completion.content) > offload.LARGE_TEXT, pieces, completion.content
        )
        yield completion

    async def aclose(self) -> None:
        """Nothing to release."""
