"""What a chat reads (session, agent, user, recent history, recalled docs, tools)
and writes (the exchange, a suggestion, a pending memory job); history and
suggestions."""

from __future__ import annotations

import sqlite3
import typing

import attrs

from ..._serde import converter
from ...models import Agent, ChatMlMessage, ChatMlMessageContent, Session, Suggestion, Tool, User
from ...models.enums import ChatMlMessageRole, SuggestionTarget
from .. import clock
from ..backends import RecalledDoc
from ..params import Page
from . import agents, docs, jobs, sessions, tools, users
from ._util import bounded_page, from_json, page_tail, require, to_json

# The context holds at most this many of the latest messages, so a long session
# does not make every chat slower; a session's token_budget can trim further.
HISTORY_WINDOW = 50
# ...and at most this much of their stored text (characters of JSON), newest
# first: 50 messages of 4 MiB each made every later chat read and assemble
# 200 MB (0.4 s and ~100 MB of memory for a chat of "hi").
HISTORY_WINDOW_CHARS = 1024 * 1024
RECALL_LIMIT = 3  # docs recalled per owner (agent, user)


WireContent = typing.Union[str, list[dict[str, typing.Any]]]


class PastMessage(typing.NamedTuple):
    """A message of the history as the model sees it (no id or time: not needed there)."""

    role: str
    name: str | None
    content: WireContent


@attrs.frozen(kw_only=True)
class ChatSetup:
    session: Session
    agent: Agent
    user: User | None
    history: list[PastMessage]
    docs: list[RecalledDoc]
    tools: list[Tool]


def _content(text: str) -> ChatMlMessageContent:
    value = from_json(text)
    if isinstance(value, str):
        return value
    content: ChatMlMessageContent = converter.structure(value, ChatMlMessageContent)  # type: ignore[arg-type]
    return content


def _message(row: sqlite3.Row) -> ChatMlMessage:
    return ChatMlMessage(
        id=row["id"],
        role=ChatMlMessageRole(row["role"]),
        content=_content(row["content"]),
        name=row["name"],
        created_at=clock.parse(row["created_at"]),
    )


_MESSAGE_COLUMNS = "id, role, name, content, created_at"


def load(conn: sqlite3.Connection, session_id: str, match: str | None) -> ChatSetup:
    """Everything one chat turn needs, read in one transaction.

    ``match`` is the FTS expression of the last message, or None not to recall.
    """
    session = sessions.get(conn, session_id)
    agent = agents.get(conn, session.agent_id)
    user = users.get(conn, session.user_id) if session.user_id else None
    rows = []
    size = 0
    for row in conn.execute(
        "SELECT role, name, content FROM messages WHERE session_id = ?"
        " ORDER BY created_at DESC, rid DESC LIMIT ?",
        (session_id, HISTORY_WINDOW),
    ):
        size += len(row[2])
        if size > HISTORY_WINDOW_CHARS:
            break  # the older rows are never read
        rows.append(row)
    recalled = []
    if match is not None:
        recalled = docs.recall(conn, "agent_id", agent.id, match, RECALL_LIMIT)
        if user is not None:
            recalled += docs.recall(conn, "user_id", user.id, match, RECALL_LIMIT)
    return ChatSetup(
        session=session,
        agent=agent,
        user=user,
        history=[PastMessage(row[0], row[1], from_json(row[2])) for row in reversed(rows)],
        docs=recalled,
        tools=tools.for_agent(conn, agent.id),
    )


@attrs.frozen(kw_only=True)
class NewMessage:
    id: str
    role: str
    content: object  # the content as JSON-ready data
    name: str | None = None


@attrs.frozen(kw_only=True)
class Exchange:
    """What one chat turn writes, made ready (JSON, timestamps) before the transaction."""

    session_id: str
    reply_id: str
    replied_at: str
    rows: tuple[tuple[object, ...], ...]  # the messages to record, the reply last; or none
    suggestion: str | None
    job_id: str | None


def exchange(
    *,
    session_id: str,
    inputs: typing.Sequence[NewMessage],
    reply: NewMessage,
    record: bool,
    suggestion: str | None,
    job_id: str | None,
    database_clock: clock.Clock,
) -> Exchange:
    """The exchange to ``record``; each message gets its own, later timestamp of the
    database's clock, so history reads back in order. Built outside the database
    thread, which stays free for others.
    """
    times = database_clock.timestamps(len(inputs) + 1)
    rows: tuple[tuple[object, ...], ...] = ()
    if record:
        messages = (*inputs, reply)
        rows = tuple(
            _message_row(session_id, message, at)
            for message, at in zip(messages, times, strict=True)
        )
    return Exchange(
        session_id=session_id,
        reply_id=reply.id,
        replied_at=times[-1],
        rows=rows,
        suggestion=suggestion,
        job_id=job_id,
    )


def record(conn: sqlite3.Connection, exchange: Exchange) -> str:
    """Store the exchange, its suggestion and its job; returns the reply's time."""
    require(conn, "session_id", exchange.session_id)
    if exchange.rows:
        conn.executemany(_INSERT_MESSAGE, exchange.rows)
        if exchange.suggestion is not None:
            conn.execute(
                "INSERT INTO suggestions (session_id, target, content, message_id, created_at)"
                " VALUES (?, 'user', ?, ?, ?)",
                (exchange.session_id, exchange.suggestion, exchange.reply_id, exchange.replied_at),
            )
    if exchange.job_id is not None:
        jobs.insert(conn, exchange.job_id, "remember")
    return exchange.replied_at


_INSERT_MESSAGE = (
    "INSERT INTO messages (id, session_id, role, name, content, created_at)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)


def _message_row(session_id: str, message: NewMessage, at: str) -> tuple[object, ...]:
    return (message.id, session_id, message.role, message.name, to_json(message.content), at)


def history(conn: sqlite3.Connection, session_id: str, page: Page) -> list[ChatMlMessage]:
    """The session's messages, oldest first; none for an unknown session, as on the 0.3
    server (its history query had no session check)."""
    tail, params = page_tail(page, "asc")
    rows = conn.execute(
        f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE session_id = ?{tail}",
        [session_id, *params],
    )
    return [_message(row) for row in bounded_page(rows, page.limit)]


def clear_history(conn: sqlite3.Connection, session_id: str) -> str:
    """Delete the session's messages and suggestions; nothing is checked (idempotent)."""
    conn.execute("DELETE FROM messages WHERE session_id = ?", (session_id,))
    conn.execute("DELETE FROM suggestions WHERE session_id = ?", (session_id,))
    return clock.timestamp()


def suggestions(conn: sqlite3.Connection, session_id: str, page: Page) -> list[Suggestion]:
    """The session's suggestions, newest first; none for an unknown session (the 0.3
    server always answered none)."""
    tail, params = page_tail(page, "desc")
    rows = conn.execute(
        f"SELECT target, content, message_id, created_at FROM suggestions"
        f" WHERE session_id = ?{tail}",
        [session_id, *params],
    )
    return [
        Suggestion(
            target=SuggestionTarget(row["target"]),
            content=row["content"],
            message_id=row["message_id"],
            session_id=session_id,
            created_at=clock.parse(row["created_at"]),
        )
        for row in bounded_page(rows, page.limit)
    ]
