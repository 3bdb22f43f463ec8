"""Jinja templates in a chat's context, for sessions created with ``render_templates``.

As on the Julep 0.3 server, every system and assistant text the model is
given is rendered: the session's situation, the agent's instructions and
about, the user's about, the recalled docs, and the system and assistant
messages of the history and of the request. User messages are not. The
variables are the ones that server offered:

- ``session``: ``id``, ``situation`` (the template itself), ``metadata``;
- ``agent``: ``id``, ``name``, ``about``, ``metadata``;
- ``user``: ``id``, ``name``, ``about``, ``metadata`` (all None without a user).

Rendering runs in Jinja's immutable sandbox (templates can read these values,
not call into Python or change them); an unknown variable renders as empty.
That server also offered the ``arrow`` date library as a global; this one
does not. A template that fails (bad syntax, an error while rendering) is a
400 ``{"detail": "template error in <where>: <why>"}`` before the model is
called, so a template never reaches the model unrendered.
"""

from __future__ import annotations

import typing

from jinja2.sandbox import ImmutableSandboxedEnvironment

from .errors import RequestError
from .store.chat import ChatSetup, WireContent

# The 0.3 server's settings, so a template renders the same here.
_ENV = ImmutableSandboxedEnvironment(
    autoescape=False, trim_blocks=True, lstrip_blocks=True, auto_reload=False
)
RENDERED_ROLES = frozenset({"system", "assistant"})


def variables(setup: ChatSetup) -> dict[str, dict[str, typing.Any]]:
    """What a template of this session's chats can use."""
    session, agent, user = setup.session, setup.agent, setup.user
    return {
        "session": {
            "id": session.id,
            "situation": session.situation,
            "metadata": session.metadata or {},
        },
        "agent": {
            "id": agent.id,
            "name": agent.name,
            "about": agent.about,
            "metadata": agent.metadata or {},
        },
        "user": {
            "id": user.id if user else None,
            "name": user.name if user else None,
            "about": user.about if user else None,
            "metadata": (user.metadata or {}) if user else None,
        },
    }


class Renderer:
    """Renders a session's templates, or passes text through when the session does not."""

    def __init__(self, setup: ChatSetup) -> None:
        self.enabled = bool(setup.session.render_templates)
        self._variables = variables(setup) if self.enabled else {}

    def text(self, template: str, where: str) -> str:
        if not self.enabled:
            return template
        try:
            return _ENV.from_string(template).render(self._variables)
        except Exception as exc:  # any failure of a user's template is the user's to fix
            raise RequestError(400, f"template error in {where}: {exc}") from exc

    def message(self, role: str, content: WireContent, where: str) -> WireContent:
        """A message's content, rendered when its role is system or assistant."""
        if not self.enabled or role not in RENDERED_ROLES:
            return content
        if isinstance(content, str):
            return self.text(content, where)
        return [
            {**part, "text": self.text(part["text"], where)}
            if part.get("type") == "text" and isinstance(part.get("text"), str)
            else part
            for part in content
        ]
