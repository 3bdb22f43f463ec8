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
It runs in a child process (``template_worker``) with a memory cap, and the
texts of one chat get ``DEADLINE`` seconds of rendering in all: past it the
child is killed (a loop in a template cannot be interrupted any other way) and
a new one is started for the next chat. The child renders one chat's text at a
time; the time a chat waits for other chats' templates does not count against
its deadline, and a wait past ``BUSY_WAIT`` is a 503 (retryable: nothing is
wrong with its templates), as is a renderer that stopped or did not start.
A text with no template syntax (no ``{{``, ``{%`` or ``{#``) is taken as
written, at any length, without the child; rendering may make a text at most
256 Ki characters longer, and any string or list built on the way holds at
most 256 Ki items. The calling thread waits for the
child, so the chat builds its prompt off the event loop (see ``chat``).
That server also offered the ``arrow`` date library as a global; this one
does not. A template that fails (bad syntax, an error while rendering) is a
400 ``{"detail": "template error in <where>: <why>"}`` before the model is
called, so a template never reaches the model unrendered.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
import typing

from . import template_worker
from .errors import RequestError
from .store.chat import ChatSetup, WireContent

DEADLINE = 2.0  # seconds of rendering for all the templates of one chat
BUSY_WAIT = DEADLINE  # seconds a template waits for other chats' templates, then 503
START_TIMEOUT = 30.0  # seconds for a new worker to start (not counted in DEADLINE)
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


# Runs the worker as a script (so importing it does not import the whole client)
# and finds Jinja where this process found it.
_BOOTSTRAP = (
    "import json, runpy, sys; sys.path[:] = json.loads(sys.argv[1]);"
    " runpy.run_path(sys.argv[2], run_name='__main__')"
)


class RenderError(Exception):
    """A template did not render; the message says why."""


class RenderTimeoutError(RenderError):
    """A template took longer than what was left of its chat's ``DEADLINE``."""


class RendererUnavailableError(RenderError):
    """The renderer could not take the template (busy with other chats, or not running):
    nothing is wrong with the template, so the chat may be retried."""


class _Worker:
    """The child process that renders, started on first use and again after it is killed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        atexit.register(self.close)
        if hasattr(os, "register_at_fork"):  # not on every platform
            os.register_at_fork(after_in_child=self._forget_in_child)

    def render(
        self, template: str, variables: dict[str, typing.Any], budget: float
    ) -> tuple[str, float]:
        """The rendered text and the seconds it took, at most ``budget`` once the renderer
        is this chat's (waiting for other chats' templates does not count against it)."""
        if not self._lock.acquire(timeout=BUSY_WAIT):
            raise RendererUnavailableError(
                f"the template renderer is busy with other chats for over {BUSY_WAIT:g} s"
            )
        started = time.monotonic()
        deadline = started + budget
        try:
            process = self._process or self._start()
            request = json.dumps({"template": template, "variables": variables})
            assert process.stdin is not None and process.stdout is not None
            try:
                process.stdin.write(request + "\n")
                process.stdin.flush()
            except OSError:
                self._kill()
                raise RendererUnavailableError("the template renderer stopped") from None
            answer = self._answer(process.stdout, deadline)
        finally:
            self._lock.release()
        if "error" in answer:
            raise RenderError(str(answer["error"]))
        return str(answer["text"]), time.monotonic() - started

    def start(self) -> None:
        """Start the child now, so its start-up does not count against a chat's deadline."""
        if self._process is not None:
            return  # running (perhaps busy: render() bounds the wait for it)
        with self._lock:
            if self._process is None:
                self._start()

    def _answer(self, stdout: typing.IO[str], deadline: float) -> dict[str, typing.Any]:
        ready, _, _ = select.select([stdout], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            self._kill()
            raise RenderTimeoutError(f"timed out: rendering takes longer than {DEADLINE:g} s")
        line = stdout.readline()
        if not line:  # the child died (killed by the system, say): the next call starts anew
            self._kill()
            raise RendererUnavailableError("the template renderer stopped while rendering")
        return typing.cast(dict[str, typing.Any], json.loads(line))

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, json.dumps(sys.path), template_worker.__file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            encoding="utf-8",
        )
        self._process = process
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT)
        if not ready or not process.stdout.readline():
            self._kill()
            raise RendererUnavailableError("the template renderer did not start")
        return process

    def _kill(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.kill()
        process.wait()
        for stream in (process.stdin, process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()

    def close(self) -> None:
        with self._lock:
            self._kill()

    def _forget_in_child(self) -> None:
        """In a forked child: the renderer is the parent's, so the child starts its own.

        Sharing it, parent and child read each other's answers (a session got the
        other process's rendered situation), and the child's exit killed it. Its
        Popen is kept aside, never used here (its pipes' buffers may hold the
        parent's unsent bytes). The lock may have been held at the fork.
        """
        self._lock = threading.Lock()
        if self._process is not None:
            _INHERITED.append(self._process)
            self._process = None


# Renderers a forked child inherited from its parent: never used or closed here.
_INHERITED: list[subprocess.Popen[str]] = []
_WORKER = _Worker()


class Renderer:
    """Renders a session's templates, or passes text through when the session does not."""

    def __init__(self, setup: ChatSetup) -> None:
        self.enabled = bool(setup.session.render_templates)
        self._variables = variables(setup) if self.enabled else {}
        self._spent = 0.0  # seconds the renderer worked on this chat's templates
        self._history_timed_out = False  # a history message ran out of time (kept as written)

    def text(self, template: str, where: str, *, as_written_on_error: bool = False) -> str:
        """``template`` rendered; one that fails is a 400, or kept as written if asked."""
        if not self.enabled:
            return template
        plain = template_worker.as_plain_text(template)
        if plain is not None:  # what rendering it would give, at any length
            return plain
        if as_written_on_error and self._history_timed_out:
            # One history message took the whole DEADLINE already: the rest of the
            # history goes as written, or each slow one (an echoed loop) would cost
            # DEADLINE again, on every later chat of the session.
            return template
        try:
            _WORKER.start()  # its start-up does not count against the chat's deadline
            text, took = _WORKER.render(template, self._variables, DEADLINE - self._spent)
        except RendererUnavailableError as exc:  # nothing wrong with the template: retryable
            raise RequestError(503, f"{exc}; try again") from exc
        except RenderError as exc:  # any failure of a user's template is the user's to fix
            if as_written_on_error:
                self._history_timed_out |= isinstance(exc, RenderTimeoutError)
                return template
            raise RequestError(400, f"template error in {where}: {exc}") from exc
        self._spent += took
        return text

    def message(
        self, role: str, content: WireContent, where: str, *, as_written_on_error: bool = False
    ) -> WireContent:
        """A message's content, rendered when its role is system or assistant.

        ``as_written_on_error``: text that does not render is kept as written
        (for the history, see ``prompt.build``), instead of a 400.
        """
        if not self.enabled or role not in RENDERED_ROLES:
            return content
        if isinstance(content, str):
            return self.text(content, where, as_written_on_error=as_written_on_error)
        return [
            {
                **part,
                "text": self.text(part["text"], where, as_written_on_error=as_written_on_error),
            }
            if part.get("type") == "text" and isinstance(part.get("text"), str)
            else part
            for part in content
        ]
