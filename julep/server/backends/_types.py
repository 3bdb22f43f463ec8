"""What a backend receives (a ``Prompt``) and returns (a ``Completion``)."""

from __future__ import annotations

import typing

import attrs


class BackendError(Exception):
    """The model could not answer (unreachable endpoint, error status, bad reply)."""


@attrs.frozen(kw_only=True)
class RecalledDoc:
    id: str
    owner: str  # "agent" or "user"
    title: str
    text: str


@attrs.frozen(kw_only=True)
class Message:
    """One message of the model's context, in OpenAI chat form."""

    role: str  # system, user, assistant or function
    content: str | list[dict[str, typing.Any]]  # text, or OpenAI content parts
    text: str  # the words of ``content`` (text parts joined), which a model reads
    name: str | None = None


@attrs.frozen(kw_only=True)
class Settings:
    """Chat settings, with the agent's defaults filled in where the request has none."""

    max_tokens: int
    stop: tuple[str, ...] = ()
    seed: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    logit_bias: dict[str, int | None] | None = None
    response_format: dict[str, typing.Any] | None = None
    # Sampling options beyond OpenAI's (vLLM and others take them), sent only
    # when the request set them, since strict endpoints reject unknown keys.
    extra: dict[str, float] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class Prompt:
    """Everything a model is given for one chat turn."""

    model: str
    instructions: tuple[str, ...]
    situation: str | None
    docs: tuple[RecalledDoc, ...]
    messages: tuple[Message, ...]  # system, then history, then the new messages
    history_count: int  # how many of ``messages`` came from the session's history
    last_text: str  # the text of the last new message
    settings: Settings
    tools: tuple[dict[str, typing.Any], ...] = ()
    tool_choice: str | dict[str, typing.Any] | None = None

    def prompt_tokens(self) -> int:
        """Words in the assembled context: what the echo model counts as prompt tokens."""
        return sum(len(message.text.split()) for message in self.messages)


@attrs.frozen(kw_only=True)
class Completion:
    content: str
    finish_reason: str  # stop, length, tool_calls, content_filter or function_call
    prompt_tokens: int
    completion_tokens: int
    role: str = "assistant"  # function_call when the model called a tool


class Backend(typing.Protocol):
    async def complete(self, prompt: Prompt) -> Completion:
        """The whole reply at once."""

    def stream(self, prompt: Prompt) -> typing.AsyncIterator[list[str] | Completion]:
        """Pieces of the reply as they come, then the ``Completion``.

        Pieces that are ready together come in one list so they can go out in
        one write; the concatenated pieces are the completion's content.
        """

    async def aclose(self) -> None:
        """Release connections."""
