"""Assembling the model's context for one chat turn.

The context is one system message (the agent's name, about and instructions,
the user's name and about, the session's situation and the recalled docs),
then the session's recent history, then the new messages. A session with a
``token_budget`` drops its oldest history messages until the context fits
(counting whitespace-separated words as tokens). In a session with
``render_templates`` the texts are rendered first (see ``templates``).
"""

from __future__ import annotations

import typing

import attrs

from .._serde import converter
from ..models import AgentDefaultSettings, ChatMlMessageContent
from .backends import Message, Prompt, RecalledDoc, Settings
from .schemas import ChatRequest
from .store.chat import ChatSetup, WireContent
from .templates import Renderer

DEFAULT_MAX_TOKENS = 200
# The model-facing roles: OpenAI has no "auto" or "function_call".
_MODEL_ROLES = {"auto": "user", "function_call": "assistant"}


def wire_content(content: ChatMlMessageContent) -> WireContent:
    """A request message's content as JSON-ready data (parts as objects)."""
    if isinstance(content, str):
        return content
    return typing.cast(WireContent, converter.unstructure(content))


def text_of(content: WireContent) -> str:
    """The words of a message: its text, or its text parts joined by spaces."""
    if isinstance(content, str):
        return content
    return " ".join(
        part["text"]
        for part in content
        if part.get("type") == "text" and isinstance(part.get("text"), str)
    )


def _message(role: str, content: WireContent, name: str | None) -> Message:
    return Message(
        role=_MODEL_ROLES.get(role, role), content=content, text=text_of(content), name=name
    )


@attrs.frozen(kw_only=True)
class _Texts:
    """The session's texts that make the system message, rendered when the session says so."""

    agent_about: str
    user_about: str
    instructions: list[str]
    situation: str | None
    docs: list[RecalledDoc]


def _texts(setup: ChatSetup, render: Renderer) -> _Texts:
    instructions = setup.agent.instructions or []
    if isinstance(instructions, str):
        instructions = [instructions]
    situation = setup.session.situation
    return _Texts(
        agent_about=render.text(setup.agent.about or "", "the agent's about"),
        user_about=render.text(setup.user.about or "" if setup.user else "", "the user's about"),
        instructions=[
            render.text(line, f"the agent's instruction {number}")
            for number, line in enumerate(instructions, 1)
        ],
        situation=None if situation is None else render.text(situation, "the session's situation"),
        docs=[
            attrs.evolve(
                doc,
                title=render.text(doc.title, f"doc {doc.id}"),
                text=render.text(doc.text, f"doc {doc.id}"),
            )
            for doc in setup.docs
        ],
    )


def _system_text(setup: ChatSetup, texts: _Texts) -> str:
    agent, user = setup.agent, setup.user
    lines = [f"You are {agent.name}. {texts.agent_about}".rstrip()]
    if texts.instructions:
        lines += ["Instructions:", *(f"- {line}" for line in texts.instructions)]
    if user is not None:
        lines.append(f"You are talking with {user.name or 'the user'}. {texts.user_about}".rstrip())
    if texts.situation:
        lines.append(f"Situation: {texts.situation}")
    if texts.docs:
        lines.append("Relevant documents:")
        lines += [f"- {doc.title}: {doc.text}" for doc in texts.docs]
    return "\n".join(lines)


def _settings(defaults: AgentDefaultSettings | None, body: ChatRequest) -> Settings:
    def pick(name: str) -> typing.Any:
        value = getattr(body, name)
        return value if value is not None else getattr(defaults, name, None)

    stop = body.stop
    extra = {
        name: getattr(body, name)
        for name in ("min_p", "repetition_penalty", "length_penalty")
        if getattr(body, name) is not None
    }
    return Settings(
        max_tokens=body.max_tokens or DEFAULT_MAX_TOKENS,
        stop=(stop,) if isinstance(stop, str) else tuple(stop or ()),
        seed=body.seed,
        temperature=pick("temperature"),
        top_p=pick("top_p"),
        frequency_penalty=pick("frequency_penalty"),
        presence_penalty=pick("presence_penalty"),
        logit_bias=body.logit_bias,
        response_format=(
            None
            if body.response_format is None
            else {
                k: v
                for k, v in converter.unstructure(body.response_format).items()
                if v is not None
            }
        ),
        extra=extra,
    )


def build(setup: ChatSetup, body: ChatRequest) -> Prompt:
    """The prompt for ``body``'s messages in the session ``setup`` describes.

    A template that does not render is a 400 (``RequestError``).
    """
    render = Renderer(setup)
    texts = _texts(setup, render)
    system = _message("system", _system_text(setup, texts), None)
    # The history is rendered as the 0.3 server did, with one difference: a
    # message that does not render reaches the model as written. Every message
    # a caller sent rendered when it was sent (or its chat failed and nothing
    # was recorded), so one that fails now is in practice the model's reply, quoting
    # template syntax (the echo model repeats "{{" from a user's message); 0.3
    # failed every later chat of the session on it, until its history was deleted.
    history = [
        _message(
            past.role,
            render.message(
                past.role, past.content, f"history message {number}", as_written_on_error=True
            ),
            past.name,
        )
        for number, past in enumerate(setup.history, 1)
    ]
    new = [
        _message(
            m.role.value,
            render.message(m.role.value, wire_content(m.content), f"message {number}"),
            m.name,
        )
        for number, m in enumerate(body.messages, 1)
    ]
    budget = setup.session.token_budget
    if budget is not None:
        used = sum(len(m.text.split()) for m in (system, *history, *new))
        while history and used > budget:
            used -= len(history.pop(0).text.split())
    tools = [converter.unstructure(tool) for tool in (body.tools or setup.tools)]
    tool_choice = body.tool_choice
    return Prompt(
        model=setup.agent.model,
        instructions=tuple(texts.instructions),
        situation=texts.situation,
        docs=tuple(texts.docs),
        messages=(system, *history, *new),
        history_count=len(history),
        last_text=new[-1].text,
        settings=_settings(setup.agent.default_settings, body),
        tools=tuple(
            {
                "type": tool["type"],
                "function": {k: v for k, v in tool["function"].items() if v is not None},
            }
            for tool in tools
        ),
        tool_choice=None if tool_choice is None else converter.unstructure(tool_choice),
    )
