"""Streamed chat: typed chunks from the server's events, and the reply they add up to."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import sys
import time
import types
import typing
import weakref

import cattrs
import orjson

from . import _bigjson, _http, _serde
from ._sse import EventStreamError
from ._transport import StreamBody, running_loop
from .errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    JulepError,
    StreamConnectionError,
    StreamError,
    StreamTimeoutError,
    shorten,
    show,
)
from .models import ChatMlMessage, ChatResponse, CompletionUsage, DocIds
from .models.enums import ChatMlMessageRole
from .models.streaming import ChatResponseChunk, ChatStreamDelta

if typing.TYPE_CHECKING:
    from ._base_client import BaseAsyncClient
    from ._types import JSONObject


_T = typing.TypeVar("_T")

# Streams a forked child inherited open, kept from garbage collection there:
# their connection is the parent's, and closing it (or letting aiohttp release
# it) in the child would take its socket out of the event-loop selector the two
# processes share, stalling the parent's stream until its timeout.
_INHERITED: list[object] = []


class AsyncChatStream:
    """The chunks of a streamed chat reply, as an async iterator.

    Use it as ``async with client.chat_stream(...) as stream: async for chunk in
    stream``. Leaving the block, breaking out of the loop inside it, or
    ``aclose()`` ends the request; a stream abandoned without either ends it
    once it is garbage-collected. ``text`` holds the reply so far; ``final_response`` is the
    whole ``ChatResponse`` once the stream is done. A failure after the stream
    started raises ``StreamError`` with the partial text.

    ``Timeout.stream_idle`` bounds the wait between two events. ``Timeout.total``
    bounds the time spent waiting on the server inside the iteration (opening
    the stream, then each wait for the next chunk); the time your own code takes
    between chunks does not count. Past either, the connection is dropped and
    ``StreamTimeoutError`` raised: a ``StreamError`` with the partial text and an
    ``APITimeoutError`` (a plain ``APITimeoutError`` if the stream had not opened).
    """

    def __init__(self, client: BaseAsyncClient, path: str, body: JSONObject) -> None:
        self._client = client
        self._path = path
        self._body = body
        self._body_stream: StreamBody | None = None
        self._events: typing.AsyncIterator[ChatResponseChunk] | None = None
        self._pieces: list[str] = []
        self._final: ChatResponse | None = None
        self._closed = False
        # Seconds spent inside __anext__ so far: what Timeout.total bounds.
        self._waited = 0.0
        # The attempts made to open the stream, known even if the total deadline
        # cancels the opening: its error counts the retries among them.
        self._attempts = [0]
        self._loop: asyncio.AbstractEventLoop | None = None
        # The process that opened the connection (a forked child must not touch it).
        self._pid: int | None = None

    @property
    def text(self) -> str:
        """The reply's text received so far."""
        return "".join(self._pieces)

    @property
    def final_response(self) -> ChatResponse:
        """The complete reply; only once the stream has been read to its end."""
        if self._final is None:
            raise JulepError("the stream is not finished: read it to the end first")
        return self._final

    async def until_done(self) -> ChatResponse:
        """Read the rest of the stream and return the complete reply."""
        async for _ in self:
            pass
        return self.final_response

    def __aiter__(self) -> AsyncChatStream:
        return self

    async def __anext__(self) -> ChatResponseChunk:
        if self._pid is not None and self._pid != os.getpid():
            raise self._left_to_parent()
        if self._events is None:
            if self._closed:
                raise StopAsyncIteration
            # The timeouts below are asyncio's: under trio, a JulepError saying so,
            # not asyncio's bare 'RuntimeError: no running event loop'.
            running_loop()
            # The generator reaches this stream through a weak proxy: a strong
            # reference would make a cycle (stream -> generator -> stream), and a
            # stream dropped after ``break`` would keep its connection until the
            # cyclic garbage collector happened to run.
            self._events = type(self)._chunks(weakref.proxy(self))
        total = self._client.timeout.total
        started = time.monotonic()
        try:
            if total is None:
                return await self._events.__anext__()
            try:
                left = total - self._waited
                if left <= 0:
                    # Checked here, not only by a timer: a read whose bytes are
                    # already buffered (a server sending faster than they are
                    # consumed) never suspends, so a timer would never fire.
                    raise asyncio.TimeoutError
                return await _within(self._events.__anext__(), left)
            except asyncio.TimeoutError as exc:
                if self._final is not None:
                    # Past the final event, only [DONE] or the body's end was awaited.
                    raise StopAsyncIteration from None
                # Every failure below is already a julep error: a bare timeout is ours.
                # chat(stream=True)'s attempts run on what is left of the call's total.
                named = self._client._call_total
                message = (
                    f"POST {self._client.base_url}{self._path}: the total deadline of "
                    f"{total if named is None else named}s passed "
                    "before the chat stream ended "
                    f"({len(self.text)} characters of the reply received)"
                )
                url = self._client.base_url + self._path
                retries = max(self._attempts[0] - 1, 0)
                if self._body_stream is None:  # still opening it: nothing streamed yet
                    raise APITimeoutError(
                        message, method="POST", url=url, retries_taken=retries
                    ) from exc
                raise StreamTimeoutError(
                    message,
                    partial_text=self.text,
                    method="POST",
                    url=url,
                    retries_taken=retries,
                    request_id=_http.request_id_of(
                        self._body_stream.headers, self._client._secrets
                    ),
                ) from exc
        except StopAsyncIteration:
            await self.aclose()
            raise
        except BaseException as exc:
            await self.aclose()
            if isinstance(exc, JulepError):
                # A mid-stream error event or a junk event may echo the request.
                _http.redact_error(exc, self._client._secrets)
            raise
        finally:
            self._waited += time.monotonic() - started

    def count_wait(self, seconds: float) -> None:
        """Count ``seconds`` more of waiting against ``Timeout.total``.

        For the sync ``ChatStream``: the hop of each ``next()`` to the client's
        event loop and back is time inside the iteration, not the caller's own.
        """
        if seconds > 0:
            self._waited += seconds

    async def aclose(self) -> None:
        """Stop reading and drop the connection."""
        self._closed = True
        if self._pid is not None and self._pid != os.getpid():
            self._left_to_parent()
        elif self._body_stream is not None:
            self._body_stream.close()
            self._body_stream = None

    def _left_to_parent(self) -> StreamConnectionError:
        """In a forked child: stop, leave the parent's connection untouched, and say why."""
        self._closed = True
        if self._body_stream is not None or self._events is not None:
            _INHERITED.append((self._body_stream, self._events))
            self._body_stream = None
        url = self._client.base_url + self._path
        return StreamConnectionError(
            f"POST {url}: this chat stream was opened by process {self._pid} before a fork; "
            "its connection is that process's and cannot be read here "
            f"({len(self.text)} characters of the reply received)",
            partial_text=self.text,
            method="POST",
            url=url,
        )

    def __del__(self) -> None:
        # Abandoned open: a loop broken out of without ``async with`` or
        # ``aclose()``. Unclosed, the response would hold its pooled connection
        # (and the server keep generating) until the reply's end.
        body, loop = self.__dict__.get("_body_stream"), self.__dict__.get("_loop")
        if body is None or loop is None:
            return
        pid = self.__dict__.get("_pid")
        if pid is not None and pid != os.getpid():
            _INHERITED.append((body, self.__dict__.get("_events")))
            return
        # GC may run in any thread; the connection belongs to the loop's.
        with contextlib.suppress(RuntimeError):  # the loop is closed: so is its socket
            loop.call_soon_threadsafe(body.close)

    async def __aenter__(self) -> AsyncChatStream:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _chunks(self) -> typing.AsyncIterator[ChatResponseChunk]:
        opened = await self._client._open_stream(
            "POST", self._path, self._body, attempts=self._attempts
        )
        if isinstance(opened, _http.RawResponse):
            # The server answered with plain JSON: one chunk carries it all.
            response = _http.decode(opened, ChatResponse, self._client._secrets)
            yield self._finish_from_response(response)
            return
        self._body_stream = opened
        self._loop = asyncio.get_running_loop()
        self._pid = os.getpid()
        idle = self._client.timeout.stream_idle
        last_event = time.monotonic()
        done = False
        try:
            async for events in opened.events():
                if not events:
                    # Keep-alive comments do not count as progress.
                    if idle is not None and time.monotonic() - last_event > idle:
                        raise APITimeoutError(
                            f"no event for {idle}s", method=opened.method, url=opened.url
                        )
                    continue
                last_event = time.monotonic()
                for event in events:
                    done = event.data == "[DONE]"
                    if done:
                        break
                    chunk = self._chunk(event.data, opened)
                    if chunk is not None:
                        yield chunk
                if done:
                    break
        except (JulepError, EventStreamError) as exc:
            if self._final is not None:
                # The final event came: the reply is whole. A server that then
                # stalls or breaks instead of sending [DONE] and ending the
                # body takes nothing from it.
                return
            if isinstance(exc, StreamError):
                raise
            if self._client._transport.closed:
                raise ClientClosedError(
                    f"{opened.method} {opened.url}: the client was closed while this "
                    f"chat stream was in flight ({len(self.text)} characters received)",
                    method=opened.method,
                    url=opened.url,
                    retries_taken=opened.retries_taken,
                ) from exc
            # An APITimeoutError here is stream_idle passing.
            kind: type[StreamError] = (
                StreamTimeoutError
                if isinstance(exc, APITimeoutError)
                else StreamConnectionError
                if isinstance(exc, APIConnectionError)
                else StreamError
            )
            raise self._broken(f"the chat stream broke off: {exc}", opened, kind) from exc
        if self._final is None:
            raise self._broken("the chat stream ended without its final event", opened)

    def _broken(
        self, message: str, opened: StreamBody, kind: type[StreamError] = StreamError
    ) -> StreamError:
        """The error of a stream that failed after it started, with the text so far."""
        return kind(
            message,
            partial_text=self.text,
            method=opened.method,
            url=opened.url,
            retries_taken=opened.retries_taken,
            request_id=_http.request_id_of(opened.headers, self._client._secrets),
        )

    def _chunk(self, data: str, opened: StreamBody) -> ChatResponseChunk | None:
        try:
            payload = _bigjson.loads(data)
            if isinstance(payload, dict) and "error" in payload:
                error = payload["error"]
                message = error.get("message", error) if isinstance(error, dict) else error
                raise self._broken(
                    f"the server reported an error mid-stream: {shorten(show(message))}", opened
                )
            chunk = _http.structure(payload, ChatResponseChunk)
        except (
            orjson.JSONDecodeError,
            cattrs.BaseValidationError,
            TypeError,
            ValueError,
            RecursionError,
        ) as exc:
            # Which field, as a reply read whole says it: "... @ $.usage.total_tokens".
            detail = (
                f" ({_serde.describe_error(exc)})"
                if isinstance(exc, cattrs.BaseValidationError)
                else ""
            )
            raise self._broken(
                f"an event of the chat stream is not a valid chunk{shorten(detail)}: "
                f"{data[:200]!r}",
                opened,
            ) from exc
        if chunk.delta is not None and chunk.delta.content:
            self._pieces.append(chunk.delta.content)
        if chunk.finish_reason is not None:
            self._final = self._response_from(chunk)
            _http.set_response_info(
                self._final,
                opened.status,
                _http.request_id_of(opened.headers, self._client._secrets),
                opened.retries_taken,
                opened.elapsed,
            )
        return chunk

    def _response_from(self, last: ChatResponseChunk) -> ChatResponse:
        """The ChatResponse the final event describes, filling what it leaves out."""
        response = last.response
        if response is None:
            message = ChatMlMessage(
                id=last.id,
                role=ChatMlMessageRole.ASSISTANT,
                content=self.text,
                created_at=dt.datetime.now(dt.timezone.utc),
            )
            response = [[message]]
        assert last.finish_reason is not None
        return ChatResponse(
            id=last.id,
            finish_reason=last.finish_reason,
            response=response,
            usage=last.usage
            or CompletionUsage(completion_tokens=0, prompt_tokens=0, total_tokens=0),
            doc_ids=last.doc_ids or DocIds(agent_doc_ids=[], user_doc_ids=[]),
            jobs=last.jobs,
        )

    def _finish_from_response(self, response: ChatResponse) -> ChatResponseChunk:
        self._final = response
        text = "".join(
            message.content
            for choice in response.response[:1]
            for message in choice
            if isinstance(message.content, str)
        )
        self._pieces.append(text)
        return ChatResponseChunk(
            id=response.id,
            delta=ChatStreamDelta(content=text, role=ChatMlMessageRole.ASSISTANT),
            finish_reason=response.finish_reason,
            usage=response.usage,
            doc_ids=response.doc_ids,
            jobs=response.jobs,
            response=response.response,
        )


async def _within(step: typing.Awaitable[_T], seconds: float) -> _T:
    """``step``, cancelled after ``seconds`` with ``asyncio.TimeoutError``."""
    if sys.version_info >= (3, 11):
        # No task per chunk, unlike wait_for before 3.12.
        async with asyncio.timeout(seconds):
            return await step
    return await asyncio.wait_for(step, seconds)
