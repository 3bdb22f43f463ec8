"""Jinja templates in sessions with render_templates: rendered as the 0.3 server did, sandboxed."""

from __future__ import annotations

import asyncio
import threading
import time
import typing

import hypothesis
import pytest
from hypothesis import strategies as st

from julep.models import Agent, Session, User
from julep.server import template_worker, templates
from julep.server.errors import RequestError
from julep.server.store.chat import ChatSetup
from julep.server.templates import DEADLINE, Renderer

from ..subprocesses import in_forked_child
from .helpers import Api, sse_events

pytestmark = pytest.mark.anyio

SITUATION = "Say 'hello {{ session.metadata.arg }}'"


def _reply(body: dict[str, typing.Any]) -> str:
    return typing.cast(str, body["response"][0][0]["content"])


async def _session(api: Api, *, render: bool, situation: str = SITUATION) -> str:
    agent_id = await api.agent(
        name="Guide",
        metadata={"tone": "warm"},
        instructions=[
            "Be {{ agent.metadata.tone }} with {{ user.name }} of {{ user.metadata.city }}"
        ],
    )
    user_id = await api.user(name="Ada", metadata={"city": "Oslo"})
    return await api.session(
        agent_id,
        user_id,
        situation=situation,
        metadata={"arg": "world"},
        render_templates=render,
    )


async def test_situation_and_instructions_are_rendered_when_asked(api: Api) -> None:
    """With render_templates the model sees session, agent and user values, not braces."""
    reply = await api.chat(await _session(api, render=True), "Hi {{ user.name }}")
    text = _reply(reply.body)
    assert "I know the situation: Say 'hello world'." in text
    assert "I follow these instructions: Be warm with Ada of Oslo." in text
    assert 'You said: "Hi {{ user.name }}".' in text  # user messages are never rendered
    assert "{{" not in text.replace("{{ user.name }}", "")


async def test_templates_stay_as_written_without_render_templates(api: Api) -> None:
    """Without render_templates the situation reaches the model exactly as stored."""
    text = _reply((await api.chat(await _session(api, render=False), "Hi")).body)
    assert "I know the situation: Say 'hello {{ session.metadata.arg }}'." in text


_PLAIN = st.text(alphabet=st.sampled_from("ab {}%#-\r\n\u2028"), max_size=60).filter(
    lambda text: not any(mark in text for mark in ("{{", "{%", "{#"))
)


@hypothesis.settings(max_examples=300, deadline=None, database=None)
@hypothesis.given(text=_PLAIN)
def test_a_text_without_template_syntax_is_what_jinja_renders(text: str) -> None:
    """Taken as written without Jinja, it is still exactly what Jinja renders (line breaks
    made \\n, one trailing line break dropped), so skipping the renderer changes nothing."""
    assert template_worker.as_plain_text(text) == template_worker.ENV.from_string(text).render()
    assert Renderer(_setup({}, "s")).text(text, "the situation") == template_worker.render(text, {})


async def test_long_docs_and_abouts_without_template_syntax_render_at_any_length(
    api: Api,
) -> None:
    """A recalled doc (or an about) of more than 256 Ki characters failed every chat of a
    render_templates session with a 400 ("the rendered text is longer than 262144
    characters"), though the server took it and it held no template at all (atkY
    repro/04)."""
    long_text = "Paris " + "lorem " * 50_000  # 300,000 characters
    agent_id = await api.agent(name="Guide", about=long_text)
    user_id = await api.user(name="Ada", about=long_text)
    doc = await api.post(f"/users/{user_id}/docs", json={"title": "notes", "content": long_text})
    assert doc.status == 201
    session_id = await api.session(agent_id, user_id, render_templates=True)
    reply = await api.chat(session_id, "Paris")
    assert reply.status == 200, reply.body
    assert reply.body["doc_ids"]["user_doc_ids"] == [doc.body["id"]]


def test_a_long_template_may_grow_by_the_limit_beyond_its_own_length() -> None:
    """The output bound is what rendering adds: a 300,000-character template renders."""
    source = "{{ user.name }} " + "lorem " * 50_000
    rendered = Renderer(_setup({}, "s")).text(source, "the situation")
    assert rendered == "Ada " + "lorem " * 50_000


@pytest.mark.parametrize(
    ("situation", "why"),
    [
        ("{{ unclosed", "template error in the session's situation: "),
        ("{{ session.metadata.arg.nothing.deeper }}", "template error in the session's situation"),
        ("{{ ''.__class__.__mro__ }}", "is unsafe"),
        ("{{ session.metadata.update({'arg': 1}) }}", "is unsafe"),
        ("{{ 1 / 0 }}", "division by zero"),
    ],
)
async def test_a_broken_or_unsafe_template_is_a_400_with_detail(
    api: Api, situation: str, why: str
) -> None:
    """Bad syntax, errors while rendering and sandbox refusals are 400 {"detail": ...}."""
    session_id = await _session(api, render=True, situation=situation)
    for headers in (None, {"Accept": "text/event-stream"}):
        reply = await api.chat(session_id, "Hi", stream=True, headers=headers)
        assert reply.status == 400, reply.body
        assert reply.headers["Content-Type"].startswith("application/json")
        assert reply.body["detail"].startswith("template error in the session's situation")
        assert why in reply.body["detail"]
    assert (await api.get(f"/sessions/{session_id}/history")).body["items"] == []


async def test_system_messages_of_the_request_are_rendered(api: Api) -> None:
    """A system message sent with the chat is rendered; its failure names the message."""
    session_id = await _session(api, render=True)
    body = {
        "messages": [
            {"role": "system", "content": "{% if %}"},
            {"role": "user", "content": "Hi"},
        ]
    }
    reply = await api.post(f"/sessions/{session_id}/chat", json=body)
    assert reply.status == 400
    assert reply.body["detail"].startswith("template error in message 1:")


@pytest.mark.parametrize(
    "text", ["In Jinja, what does {{ do?", "{% if %}", "{{ 1 / 0 }}", "{{ ''.__class__ }}"]
)
async def test_a_reply_quoting_template_syntax_does_not_break_later_chats(
    api: Api, text: str
) -> None:
    """The echo model's reply repeats a user's broken template; later chats still work.

    0.3 rendered the history's assistant messages and failed every later chat on
    such a reply (400 "template error in history message 2") until the history
    was deleted; here a history message that does not render goes as written.
    """
    session_id = await _session(api, render=True)
    first = await api.chat(session_id, text)
    assert first.status == 200, first.body
    assert text in _reply(first.body)  # the reply quotes it: the trap is set
    for follow_up in ("thanks", "and again"):
        reply = await api.chat(session_id, follow_up)
        assert reply.status == 200, reply.body
        assert "hello world" in _reply(reply.body)  # the situation is still rendered
    history = (await api.get(f"/sessions/{session_id}/history")).body["items"]
    assert [m["role"] for m in history] == ["user", "assistant"] * 3
    assert text in history[1]["content"]


async def test_streamed_chat_carries_the_rendered_context(api: Api) -> None:
    """A streamed chat's pieces and final response hold the rendered situation."""
    reply = await api.chat(
        await _session(api, render=True),
        "Hi",
        stream=True,
        headers={"Accept": "text/event-stream"},
    )
    assert reply.status == 200
    text = "".join(sse_events(reply.body))
    assert "hello world" in text and "session.metadata" not in text


def _setup(metadata: dict[str, typing.Any], situation: str) -> ChatSetup:
    return ChatSetup(
        session=Session(
            id="s", agent_id="a", situation=situation, metadata=metadata, render_templates=True
        ),
        agent=Agent(id="a", name="Guide", model="m", about="about", metadata={}),
        user=User(id="u", name="Ada", metadata={"k": "v"}),
        history=[],
        docs=[],
        tools=[],
    )


@hypothesis.settings(max_examples=100, deadline=None, database=None)
@hypothesis.given(value=st.text(max_size=40))
def test_a_metadata_value_renders_as_itself(value: str) -> None:
    """Any metadata text comes out of ``{{ session.metadata.x }}`` as is, never re-rendered."""
    render = Renderer(_setup({"x": value}, "{{ session.metadata.x }}"))
    assert render.text("{{ session.metadata.x }}", "the situation") == value
    assert render.text("{{ user.metadata.k }}{{ agent.name }}", "the situation") == "vGuide"


@pytest.mark.parametrize(
    ("situation", "why"),
    [
        ("{{ 'x' * 10**9 }}", "the result of * would hold 1000000000 items"),
        ("{{ 'x' * 10**8 }}", "the limit is 262144"),
        ("{% set s = 'x' * 200000 %}{{ s ~ s }}", "262144 characters longer than its template"),
        ("{{ [1] * 200000 + [2] * 200000 }}", "the result of + would hold 400000 items"),
        ("{{ 7 ** 100000 }}", "the result of ** would exceed"),
        ("{{ 'x'|center(10**9) }}", "more than 512 MiB of memory"),
        ("{{ range(99999)|join(range(99999)|join(',')) }}", "more than 512 MiB of memory"),
        ("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}", "recurses too deeply"),
    ],
)
def test_a_template_that_builds_too_much_is_refused_with_a_reason(situation: str, why: str) -> None:
    """Output, intermediate results and memory are capped, and the error says which cap."""
    render = Renderer(_setup({}, situation))
    with pytest.raises(RequestError) as caught:
        render.text(situation, "the situation")
    assert caught.value.status == 400
    assert caught.value.detail.startswith("template error in the situation: ")
    assert why in caught.value.detail


async def test_an_endless_template_is_a_400_while_the_server_keeps_answering(api: Api) -> None:
    """A template that loops for ever is stopped at the deadline; other requests go on meanwhile."""
    endless = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    hostile = await _session(api, render=True, situation=endless)
    chat = asyncio.ensure_future(api.chat(hostile, "Hi"))
    await asyncio.sleep(0.5)  # the render has started (or the deadline is still ahead)
    probe = await asyncio.wait_for(api.get("/agents"), timeout=DEADLINE)
    assert probe.status == 200
    reply = await asyncio.wait_for(chat, timeout=DEADLINE + 8)
    assert reply.status == 400
    assert reply.body["detail"] == (
        f"template error in the session's situation: timed out: rendering takes longer"
        f" than {DEADLINE:g} s"
    )
    # The killed renderer is replaced: the next template renders.
    text = _reply((await api.chat(await _session(api, render=True), "Hi")).body)
    assert "hello world" in text


def test_a_chat_waiting_for_a_busy_renderer_is_a_503_not_a_template_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """While other chats' templates held the one renderer, a good template failed with
    400 "template error in the agent's about: timed out waiting for the template renderer
    (busy)": blamed on a field, and not retried. It is a 503 now, naming no field."""
    render = Renderer(_setup({}, "Hello {{ agent.name }}"))
    render.text("warm-up", "the situation")  # the renderer is running
    monkeypatch.setattr(templates, "BUSY_WAIT", 0.2)
    with templates._WORKER._lock:  # another chat's template is rendering
        with pytest.raises(RequestError) as caught:
            render.text("Hello {{ agent.name }}", "the agent's about")
    assert caught.value.status == 503
    assert "busy" in caught.value.detail
    assert "about" not in caught.value.detail
    assert render.text("Hello {{ agent.name }}", "the agent's about") == "Hello Guide"


def test_waiting_for_the_renderer_does_not_use_up_a_chats_deadline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Only rendering counts: a chat that waited longer than its deadline for others
    (it used to be charged for the wait, then refused) still renders its templates."""
    monkeypatch.setattr(templates, "BUSY_WAIT", DEADLINE * 3)
    render = Renderer(_setup({}, "x"))
    render.text("warm-up", "the situation")
    lock = templates._WORKER._lock
    lock.acquire()
    released = threading.Timer(DEADLINE * 1.25, lock.release)
    released.start()
    try:
        assert render.text("{{ agent.name }}", "the situation") == "Guide"
        # A second template after the long wait is still within the chat's budget.
        assert render.text("{{ user.name }}", "the situation") == "Ada"
    finally:
        released.join()


def test_history_that_runs_out_of_time_costs_the_deadline_once_per_chat(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Echoed loops in a session's history are kept as written; the first one that runs
    out of time ends the rendering of the history, so a later chat spends one DEADLINE
    on it, not one per such reply (each reply added another two seconds to every chat),
    and the request's own messages still render."""
    monkeypatch.setattr(templates, "DEADLINE", 0.3)
    endless = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    render = Renderer(_setup({}, "x"))
    templates._WORKER.start()  # its start-up is not the chat's time
    started = time.monotonic()
    kept = [
        render.message("assistant", endless, f"history message {n}", as_written_on_error=True)
        for n in range(4)
    ]
    took = time.monotonic() - started
    assert kept == [endless] * 4
    assert took < 0.3 * 2.5, took
    assert render.message("assistant", "{{ agent.name }}", "message 1") == "Guide"


def test_a_forked_child_renders_with_a_renderer_of_its_own() -> None:
    """A forked child starts its own renderer: sharing the parent's, concurrent chats of
    the two read each other's answers (a session got the other process's situation),
    and the child's exit killed the parent's renderer."""
    render = Renderer(_setup({}, "x"))
    assert render.text("{{ agent.name }}", "the situation") == "Guide"
    parents = templates._WORKER._process
    assert parents is not None

    def child() -> bool:
        rendered = Renderer(_setup({}, "x")).text("{{ user.name }}", "the situation")
        own = templates._WORKER._process
        templates._WORKER.close()  # as the child's exit does
        return rendered == "Ada" and own is not None and own.pid != parents.pid

    assert in_forked_child(child) == (b"ok", 0)
    assert templates._WORKER._process is parents
    assert parents.poll() is None
    assert render.text("{{ user.name }}", "the situation") == "Ada"
