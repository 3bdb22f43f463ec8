"""Routes of a session's conversation: chat (JSON or a stream), history, suggestions."""

from __future__ import annotations

import contextlib
import logging

from aiohttp import web

from ...models import (
    ChatResponse,
    GetHistoryResponse,
    GetSuggestionsResponse,
    ResourceDeletedResponse,
)
from .. import chat, sse
from ..backends import BackendError, Completion
from ..errors import RequestError
from ..faults import reset_requested
from ..idempotency import REPLAYED, replayed_result
from ..params import body, page, path_id
from ..schemas import ChatRequest
from ..state import STATE, AppState
from ..store import chat as chat_store
from ._operation import PAGE, Operation, deleted, json

logger = logging.getLogger("julep.server")


async def chat_handler(request: web.Request) -> web.StreamResponse:
    session_id = path_id(request, "session_id")
    payload = await body(request, ChatRequest)
    state = request.app[STATE]
    earlier = chat.recorded_answer(await replayed_result(state.db))
    if earlier is not None:  # a repeat: the answer is recorded, the model is not asked again
        if payload.stream and sse.accepts(request):
            return await sse.replay(request, earlier, REPLAYED)
        return web.Response(body=earlier, content_type="application/json")
    turn = await chat.prepare(state, session_id, payload)
    if payload.stream and sse.accepts(request):
        return await _stream(request, state, turn)
    try:
        completion = await state.backend.complete(turn.prompt)
    except BackendError as exc:
        raise RequestError(502, f"model backend error: {exc}") from exc
    response = await chat.finish(state, turn, completion)
    return web.Response(body=response, content_type="application/json")


async def _stream(request: web.Request, state: AppState, turn: chat.Turn) -> web.StreamResponse:
    stream = await sse.open_stream(request)
    try:
        completion: Completion | None = None
        async for item in state.backend.stream(turn.prompt):
            if isinstance(item, Completion):
                completion = item
            else:
                await stream.write(b"".join(sse.delta(turn.chat_id, piece) for piece in item))
        if completion is None:
            raise BackendError("the model's stream ended without a result")
        final = await chat.finish(state, turn, completion)
    except ConnectionError:
        return stream  # the client went away; there is no one to tell
    except BackendError as exc:
        return await _fail(stream, f"model backend error: {exc}", "backend_error")
    except RequestError as problem:
        return await _fail(stream, problem.detail, "api_error")
    except Exception:
        logger.exception("streamed chat failed")
        return await _fail(stream, "Internal Server Error", "server_error")
    if reset_requested():
        return stream  # an injected reset: the work is done, the ending is never sent
    with contextlib.suppress(ConnectionError):  # the client went away at the end
        await stream.write(sse.event(final) + sse.DONE)
        await stream.write_eof()
    return stream


async def _fail(stream: web.StreamResponse, message: str, kind: str) -> web.StreamResponse:
    """End a started stream with an error event (the status line is long gone)."""
    with contextlib.suppress(ConnectionError):
        await stream.write(sse.error(message, kind))
        await stream.write_eof()
    return stream


async def get_history(request: web.Request) -> web.Response:
    session_id = path_id(request, "session_id")
    items = await request.app[STATE].db.run(chat_store.history, session_id, page(request))
    return json(GetHistoryResponse(items=items))


async def delete_history(request: web.Request) -> web.Response:
    session_id = path_id(request, "session_id")
    return deleted(
        session_id, await request.app[STATE].db.run(chat_store.clear_history, session_id)
    )


async def get_suggestions(request: web.Request) -> web.Response:
    session_id = path_id(request, "session_id")
    items = await request.app[STATE].db.run(chat_store.suggestions, session_id, page(request))
    return json(GetSuggestionsResponse(items=items))


_SESSION = "/sessions/{session_id}"
OPERATIONS = (
    Operation(
        method="POST",
        path=_SESSION + "/chat",
        operation_id="chat",
        summary="Send messages to a session and get the agent's reply "
        "(a text/event-stream when stream is true and Accept asks for it)",
        handler=chat_handler,
        body=ChatRequest,
        response=ChatResponse,
        errors=(400, 404, 422, 502, 503),
        streams=True,
    ),
    Operation(
        method="GET",
        path=_SESSION + "/history",
        operation_id="get_history",
        summary="A session's messages, oldest first",
        handler=get_history,
        response=GetHistoryResponse,
        query=PAGE,
    ),
    Operation(
        method="DELETE",
        path=_SESSION + "/history",
        operation_id="delete_session_history",
        summary="Clear a session's history and suggestions",
        handler=delete_history,
        status=202,
        response=ResourceDeletedResponse,
        errors=(422,),  # never 404: this delete is idempotent
    ),
    Operation(
        method="GET",
        path=_SESSION + "/suggestions",
        operation_id="get_suggestions",
        summary="A session's suggestions, newest first",
        handler=get_suggestions,
        response=GetSuggestionsResponse,
        query=PAGE,
    ),
)
