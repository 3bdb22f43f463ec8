"""Assembling the model's context for one chat turn.

The context is one system message (the agent's name, about and instructions,
the user's name and about, the session's situation and the recalled docs),
then the session's recent history, then the new messages. A session with a
``token_budget`` drops its oldest history messages until the context fits
(counting whitespace-separated words as tokens).
"""

from __future__ import annotations

import typing

from .._serde import converter
from ..models import AgentDefaultSettings, ChatMlMessageContent
from .backends import Message, Prompt, Settings
from .schemas import ChatRequest
from .store.chat import ChatSetup, WireContent

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


def _system_text(setup: ChatSetup, instructions: list[str]) -> str:
    agent, user = setup.agent, setup.user
    lines = [f"You are {agent.name}. {agent.about or ''}".rstrip()]
    if instructions:
        lines += ["Instructions:", *(f"- {line}" for line in instructions)]
    if user is not None:
        lines.append(f"You are talking with {user.name or 'the user'}. {user.about or ''}".rstrip())
    if setup.session.situation:
        lines.append(f"Situation: {setup.session.situation}")
    if setup.docs:
        lines.append("Relevant documents:")
        lines += [f"- {doc.title}: {doc.text}" for doc in setup.docs]
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
    """The prompt for ``body``'s messages in the session ``setup`` describes."""
    instructions = setup.agent.instructions or []
    if isinstance(instructions, str):
        instructions = [instructions]
    system = _message("system", _system_text(setup, instructions), None)
    history = [_message(past.role, past.content, past.name) for past in setup.history]
    new = [_message(m.role.value, wire_content(m.content), m.name) for m in body.messages]
    budget = setup.session.token_budget
    if budget is not None:
        used = sum(len(m.text.split()) for m in (system, *history, *new))
        while history and used > budget:
            used -= len(history.pop(0).text.split())
    tools = [converter.unstructure(tool) for tool in (body.tools or setup.tools)]
    tool_choice = body.tool_choice
    return Prompt(
        model=setup.agent.model,
        instructions=tuple(instructions),
        situation=setup.session.situation,
        docs=tuple(setup.docs),
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
