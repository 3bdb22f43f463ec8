"""``JulepLocustClient``: every method of ``JulepApi``, measured for Locust.

Each call runs the ``AsyncJulepApi`` method on the process's loop thread and
fires Locust's ``request`` event once: the HTTP method as ``request_type``, the
operation as ``name``, the time in ms, the bytes received, and on failure the
exception (a julep error keeps its class; see ``_measure.failure``). The
exception is then raised, as ``JulepApi`` would, so a task can catch it.
"""

from __future__ import annotations

import functools
import time
import types
import typing

from .._portal import called_as
from .._streaming import AsyncChatStream
from .._surface import Kind, operations
from ..client import AsyncJulepApi, JulepApi
from ..models import ChatResponse
from ..models.streaming import ChatResponseChunk
from ._loop import LoopThread, Outcome
from ._measure import Measure, failure

_T = typing.TypeVar("_T")

FIRST_TOKEN_SUFFIX = ":ttft"
"""``chat_stream`` also reports ``chat_stream:ttft``: the time to the first token."""

REPORTED = "_julep_locust_reported"
"""Set on an exception already recorded as a failed request, so it is not logged twice."""


class _Reporter:
    """Fires Locust's request event for one operation."""

    def __init__(self, events: typing.Any, context: typing.Callable[[], dict[str, typing.Any]]):
        self._request = events.request
        self._context = context

    def report(
        self,
        measure: Measure,
        start_time: float,
        started: float,
        ended: float,
        *,
        error: BaseException | None = None,
        name: str | None = None,
    ) -> None:
        if error is not None and not isinstance(error, Exception):
            return  # a greenlet being killed, Ctrl+C: not a result of the request
        self._request.fire(
            request_type=measure.method(error),
            name=name or measure.name,
            response_time=(ended - started) * 1000.0,
            # A time-to-first-token entry is a timing, not a transfer of its own.
            response_length=measure.response_length if name is None else 0,
            exception=None if error is None else failure(error),
            context=self._context(),
            start_time=start_time,
            url=None,
            response=None,
        )
        if error is not None:
            setattr(error, REPORTED, True)


class _Walk(typing.Generic[_T]):
    """A measured sync iterator over an async one: one report when it ends or is closed."""

    def __init__(
        self, source: typing.AsyncIterator[_T], name: str, loop: LoopThread, reporter: _Reporter
    ) -> None:
        self._source = source
        self._loop = loop
        self._reporter = reporter
        self._measure = Measure(name)
        self._start_time = 0.0
        self._started: float | None = None
        self._done = False

    def __iter__(self) -> _Walk[_T]:
        return self

    def _begin(self) -> None:
        if self._started is None:
            self._start_time = time.time()
            self._started = time.perf_counter()

    def _run(self, start: typing.Callable[[], typing.Awaitable[_T]]) -> Outcome[_T]:
        self._begin()
        return self._loop.run(lambda: self._measure.track(start))

    def _finish(self, ended: float, error: BaseException | None = None) -> None:
        if self._done:
            return
        self._done = True
        if self._started is not None:
            self._reporter.report(
                self._measure, self._start_time, self._started, ended, error=error
            )

    def __next__(self) -> _T:
        if self._done:
            raise StopIteration
        outcome = self._run(self._source.__anext__)
        if isinstance(outcome.error, StopAsyncIteration):
            self._finish(outcome.ended)
            raise StopIteration
        if outcome.error is not None:
            self._finish(outcome.ended, outcome.error)
            self._release()
        return outcome.result()

    def _release(self) -> None:
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None:
            self._loop.run(aclose, wait=False)

    def close(self) -> None:
        """Stop early: release the connection, and report what was read as a success."""
        if not self._done:
            self._finish(time.perf_counter())
            self._release()

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        # Abandoned half-read: free the connection, without waiting (this may
        # run anywhere, even in the hub, where a greenlet must not wait).
        if not self._done and self._started is not None:
            self._done = True
            self._release()


_S = typing.TypeVar("_S", bound=_Walk[typing.Any])


class MeasuredChatStream(_Walk[ChatResponseChunk]):
    """``chat_stream`` for a Locust user: the chunks, ``text``, ``final_response``, ``until_done``.

    Reported twice: ``chat_stream`` for the whole stream, and ``chat_stream:ttft``
    as soon as the first chunk with text arrived (the time since the first ``next``).
    """

    _source: AsyncChatStream

    def __init__(self, source: AsyncChatStream, loop: LoopThread, reporter: _Reporter) -> None:
        super().__init__(source, "chat_stream", loop, reporter)
        self._first_token: float | None = None
        self._first_reported = False

    @property
    def text(self) -> str:
        """The reply's text received so far."""
        return self._source.text

    @property
    def final_response(self) -> ChatResponse:
        """The complete reply, once the stream has been read to its end."""
        return self._source.final_response

    async def _next_chunk(self) -> ChatResponseChunk:
        chunk = await self._source.__anext__()
        self._note(chunk)
        return chunk

    def _note(self, chunk: ChatResponseChunk) -> None:
        # On the loop thread, so the first token is timed where it arrived.
        if self._first_token is None and chunk.delta is not None and chunk.delta.content:
            self._first_token = time.perf_counter()

    def _report_first_token(self) -> None:
        if self._first_token is not None and not self._first_reported:
            self._first_reported = True
            assert self._started is not None
            self._reporter.report(
                self._measure,
                self._start_time,
                self._started,
                self._first_token,
                name=self._measure.name + FIRST_TOKEN_SUFFIX,
            )

    def __next__(self) -> ChatResponseChunk:
        if self._done:
            raise StopIteration
        outcome = self._run(self._next_chunk)
        self._report_first_token()
        if isinstance(outcome.error, StopAsyncIteration):
            self._finish(outcome.ended)
            raise StopIteration
        if outcome.error is not None:
            self._finish(outcome.ended, outcome.error)
        return outcome.result()

    async def _drain(self) -> ChatResponse:
        async for chunk in self._source:
            self._note(chunk)
        return self._source.final_response

    def until_done(self) -> ChatResponse:
        """Read the rest of the stream (in one hop to the loop) and return the whole reply."""
        outcome = self._run(self._drain)  # type: ignore[arg-type]
        self._report_first_token()
        self._finish(outcome.ended, outcome.error)
        return typing.cast(ChatResponse, outcome.result())


class JulepLocustClient:
    """The sync surface of ``JulepApi``, every call measured and reported to Locust.

    Made by ``JulepUser`` as ``self.client``; all users of a process share one
    event-loop thread and one connection pool.
    """

    def __init__(
        self,
        api: AsyncJulepApi,
        loop: LoopThread,
        events: typing.Any,
        context: typing.Callable[[], dict[str, typing.Any]],
    ) -> None:
        self._async = api
        self._loop = loop
        self._events = events
        self._context = context
        self._reporter = _Reporter(events, context)

    @property
    def base_url(self) -> str:
        return self._async.base_url

    def __repr__(self) -> str:
        return f"JulepLocustClient(base_url={self.base_url!r})"

    def with_options(self, **options: typing.Any) -> JulepLocustClient:
        """A client with other settings (``timeout``, ``max_retries``, ...), still measured."""
        return JulepLocustClient(
            self._async.with_options(**options), self._loop, self._events, self._context
        )

    def close(self) -> None:
        """Nothing to release: the connection pool belongs to the process's loop thread."""

    def _call(self, name: str, start: typing.Callable[[], typing.Awaitable[_T]]) -> _T:
        measure = Measure(name)
        start_time, started = time.time(), time.perf_counter()
        outcome: Outcome[_T] = self._loop.run(lambda: measure.track(start))
        self._reporter.report(measure, start_time, started, outcome.ended, error=outcome.error)
        return outcome.result()


_F = typing.TypeVar("_F", bound=typing.Callable[..., typing.Any])


def _as_sync_twin(name: str) -> typing.Callable[[_F], _F]:
    """Dress a method as JulepApi's of the same name: its signature (sync return
    types: an iterator for iter_*, a sync stream for chat_stream) and docstring."""

    def dress(method: _F) -> _F:
        functools.update_wrapper(method, getattr(JulepApi, name))
        method.__qualname__ = f"JulepLocustClient.{name}"
        method.__module__ = JulepLocustClient.__module__
        return method

    return dress


def _call_method(name: str) -> typing.Callable[..., typing.Any]:
    check = called_as(getattr(AsyncJulepApi, name), "JulepApi")

    @_as_sync_twin(name)
    def method(self: JulepLocustClient, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        # A call that does not fit raises Python's TypeError here, at once, as
        # JulepApi's does: no request was made, so none is reported to Locust.
        check(self._async, *args, **kwargs).close()
        bound = getattr(self._async, name)
        return self._call(name, lambda: bound(*args, **kwargs))

    return method


def _iterate_method(name: str) -> typing.Callable[..., typing.Any]:
    @_as_sync_twin(name)
    def method(self: JulepLocustClient, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        # Arguments are checked here, before any request, as JulepApi does.
        source = getattr(self._async, name)(*args, **kwargs)
        return _Walk(source, name, self._loop, self._reporter)

    return method


def _stream_method(name: str) -> typing.Callable[..., typing.Any]:
    @_as_sync_twin(name)
    def method(self: JulepLocustClient, *args: typing.Any, **kwargs: typing.Any) -> typing.Any:
        source = getattr(self._async, name)(*args, **kwargs)
        return MeasuredChatStream(source, self._loop, self._reporter)

    return method


_MAKERS = {Kind.CALL: _call_method, Kind.ITERATE: _iterate_method, Kind.STREAM: _stream_method}

for _name, _kind in operations().items():
    setattr(JulepLocustClient, _name, _MAKERS[_kind](_name))

del _name, _kind  # loop variables, not part of the module
