"""One chat turn: read the session, assemble the prompt, and after the model
has answered, record the exchange and queue the memory job.

Memory options default to true: ``recall`` puts the agent's and the user's
docs that best match the last message into the context (their ids come back
in ``doc_ids``); ``record`` appends the new messages and the reply to the
history; ``remember`` queues a job (its id is in ``jobs``) that turns what
the user said into memories.

Suggestions follow one rule: each recorded exchange adds one suggestion for
the user, "Tell me more about X, Y, Z." naming the first three entities
(capitalised words, see ``textmatch.entities``) of the reply, or
"Tell me more." when the reply has none.
"""

from __future__ import annotations

import functools
import sqlite3
import typing

import attrs

from ..models import ChatMlMessage, ChatResponse, CompletionUsage, DocIds
from ..models.enums import ChatMlMessageRole, ChatResponseFinishReason
from . import clock, offload, textmatch
from .backends import Completion, Prompt
from .encode import response_json
from .idempotency import keeps_result, keyed
from .prompt import build, text_of, wire_content
from .schemas import ChatRequest
from .state import AppState
from .store import chat as chat_store
from .store._util import new_id
from .store.memories import MemoryJob

# History keeps only roles the API's messages may have.
_STORED_ROLES = {"auto": "user"}
_USER_ROLES = frozenset({"user", "auto"})


@attrs.frozen(kw_only=True)
class Turn:
    chat_id: str
    body: ChatRequest
    setup: chat_store.ChatSetup
    prompt: Prompt


async def prepare(state: AppState, session_id: str, body: ChatRequest) -> Turn:
    """Read what the session needs and assemble the prompt (404 for an unknown session)."""
    match = None
    if body.recall is not False:
        last = text_of(wire_content(body.messages[-1].content))
        match = await offload.run(len(last) > offload.LARGE_TEXT, textmatch.fts_query, last)
    setup = await state.db.run(chat_store.load, session_id, match)
    # Rendering templates waits on the renderer process (up to its deadline): never on the loop.
    rendering = bool(setup.session.render_templates)
    prompt = await offload.run(rendering or _heavy(body), build, setup, body)
    return Turn(chat_id=new_id(), body=body, setup=setup, prompt=prompt)


def _heavy(body: ChatRequest) -> bool:
    """Many messages, or much text: one message of 4 MiB held the loop for half a second."""
    if len(body.messages) > offload.LARGE_CHAT:
        return True
    return sum(_chars(message.content) for message in body.messages) > offload.LARGE_TEXT


def _chars(content: str | list[typing.Any]) -> int:
    """The characters of a message's text and image URLs (a data: URL may be megabytes)."""
    if isinstance(content, str):
        return len(content)
    total = 0
    for part in content:
        text = getattr(part, "text", None)
        url = getattr(getattr(part, "image_url", None), "url", None)
        total += len(text) if isinstance(text, str) else 0
        total += len(url) if isinstance(url, str) else 0
    return total


def suggestion_for(reply: str) -> str:
    names = [entity["name"] for entity in textmatch.entities(reply)[:3]]
    return f"Tell me more about {', '.join(names)}." if names else "Tell me more."


def _record_and_answer(
    conn: sqlite3.Connection, exchange: chat_store.Exchange, answer: typing.Callable[[str], bytes]
) -> tuple[str, str]:
    # The answer is built inside the write's transaction, so the idempotency
    # record of this request holds the whole answer (see idempotency.py).
    replied_at = chat_store.record(conn, exchange)
    return replied_at, answer(replied_at).decode()


@keeps_result
def _answer_kept(_: sqlite3.Connection, answer: typing.Callable[[str], bytes]) -> tuple[str, str]:
    # A keyed chat that writes nothing (record and remember false): its answer is
    # still recorded, so that a retry replays it instead of asking the model again.
    replied_at = clock.timestamp()
    return replied_at, answer(replied_at).decode()


def recorded_answer(result: object) -> bytes | None:
    """The ChatResponse JSON in what ``_record_and_answer`` returned, replayed by idempotency."""
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], str):
        return result[1].encode()
    return None


async def finish(state: AppState, turn: Turn, completion: Completion) -> bytes:
    """Record the exchange, queue the memory job; the ChatResponse as JSON."""
    body, setup = turn.body, turn.setup
    record = body.record is not False
    job_id = new_id() if body.remember is not False else None
    reply = chat_store.NewMessage(id=new_id(), role=completion.role, content=completion.content)
    answer = functools.partial(_answer, turn, completion, reply.id, job_id)
    if record or job_id is not None:
        exchange = await offload.run(
            _heavy(body),
            _exchange,
            turn,
            completion,
            reply,
            record=record,
            job_id=job_id,
            database_clock=state.db.clock,
        )
        replied_at, text = await state.db.run(_record_and_answer, exchange, answer)
        response = text.encode()
    elif keyed():
        replied_at, text = await state.db.run(_answer_kept, answer)
        response = text.encode()
    else:
        replied_at = clock.timestamp()
        response = answer(replied_at)
    if job_id is not None:
        said = await offload.run(_heavy(body), _said, body)
        state.jobs.submit(
            MemoryJob(
                id=job_id,
                agent_id=setup.agent.id,
                user_id=setup.user.id if setup.user else None,
                texts=said,
                said_at=replied_at,
            )
        )
    return response


def _exchange(
    turn: Turn,
    completion: Completion,
    reply: chat_store.NewMessage,
    *,
    record: bool,
    job_id: str | None,
    database_clock: clock.Clock,
) -> chat_store.Exchange:
    return chat_store.exchange(
        session_id=turn.setup.session.id,
        inputs=tuple(
            chat_store.NewMessage(
                id=new_id(),
                role=_STORED_ROLES.get(m.role.value, m.role.value),
                content=wire_content(m.content),
                name=m.name,
            )
            for m in turn.body.messages
        ),
        reply=reply,
        record=record,
        suggestion=suggestion_for(completion.content),
        job_id=job_id,
        database_clock=database_clock,
    )


def _said(body: ChatRequest) -> tuple[str, ...]:
    return tuple(
        text_of(wire_content(m.content)) for m in body.messages if m.role.value in _USER_ROLES
    )


def _answer(
    turn: Turn, completion: Completion, reply_id: str, job_id: str | None, replied_at: str
) -> bytes:
    setup = turn.setup
    return response_json(
        ChatResponse(
            id=turn.chat_id,
            finish_reason=ChatResponseFinishReason(completion.finish_reason),
            response=[
                [
                    ChatMlMessage(
                        id=reply_id,
                        role=ChatMlMessageRole(completion.role),
                        content=completion.content,
                        created_at=clock.parse(replied_at),
                    )
                ]
            ],
            usage=CompletionUsage(
                prompt_tokens=completion.prompt_tokens,
                completion_tokens=completion.completion_tokens,
                total_tokens=completion.prompt_tokens + completion.completion_tokens,
            ),
            jobs=[] if job_id is None else [job_id],
            doc_ids=DocIds(
                agent_doc_ids=[doc.id for doc in setup.docs if doc.owner == "agent"],
                user_doc_ids=[doc.id for doc in setup.docs if doc.owner == "user"],
            ),
        )
    )
