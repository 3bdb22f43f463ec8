"""Synchronous iterators over the client's async iterators, through its portal."""

from __future__ import annotations

import contextlib
import time
import types
import typing

from ._portal import Portal, SyncClient, called_as, twin
from ._streaming import AsyncChatStream
from .errors import ClientClosedError
from .models import ChatResponse
from .models.streaming import ChatResponseChunk

_T = typing.TypeVar("_T")
_P = typing.ParamSpec("_P")
_S = typing.TypeVar("_S", bound="SyncIterator[typing.Any]")


class SyncIterator(typing.Generic[_T]):
    """Each ``next()`` awaits one item on the client's loop.

    Leaving its ``with`` block, an exception (Ctrl+C included), ``close()``,
    or breaking out of a ``for`` loop over it when nothing else holds it (it is
    collected then) closes the async side, which releases its HTTP connection.
    One kept in a variable after a ``break`` holds its connection until it is
    closed or collected: use ``with``.
    """

    def __init__(
        self, source: typing.AsyncIterator[_T], portal: Portal, owner: object = None
    ) -> None:
        self._source = source
        self._portal = portal
        # The client that made this iterator: a temporary one must stay open
        # (not be collected and closed) while its iterator is in use.
        self._owner = owner
        self._closed = False

    def __iter__(self) -> SyncIterator[_T]:
        return self

    def __next__(self) -> _T:
        if self._closed:
            raise StopIteration
        try:
            return self._portal.call(self._next())
        except StopAsyncIteration:
            self._closed = True
            raise StopIteration from None
        except BaseException:
            self.close()
            raise

    async def _next(self) -> _T:
        return await self._source.__anext__()

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        aclose = getattr(self._source, "aclose", None)
        if aclose is not None:
            # A closed client ended the request and closed its connection
            # already: leaving a with block, or the error that ended the
            # iteration, raises nothing more, as on AsyncJulepApi.
            with contextlib.suppress(ClientClosedError):
                self._portal.call(aclose())

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
        # A loop abandoned without break-then-GC still frees its connection.
        if not self._closed:
            # The interpreter may be shutting down, the portal already stopped.
            with contextlib.suppress(Exception):
                self.close()


class ChatStream(SyncIterator[ChatResponseChunk]):
    """The chunks of a streamed chat reply, for synchronous code.

    ``with client.chat_stream(...) as stream: for chunk in stream: ...``;
    then ``stream.final_response`` is the whole ``ChatResponse``.
    """

    _source: AsyncChatStream

    def __init__(self, source: AsyncChatStream, portal: Portal, owner: object = None) -> None:
        super().__init__(source, portal, owner)

    def __next__(self) -> ChatResponseChunk:
        source = self._source
        waited, started = source._waited, time.monotonic()
        try:
            return super().__next__()
        finally:
            # Timeout.total counts the time inside next(), hops to the loop and back
            # included; the async side measured only its own part of it.
            source.count_wait(time.monotonic() - started - (source._waited - waited))

    @property
    def text(self) -> str:
        """The reply's text received so far."""
        return self._source.text

    @property
    def final_response(self) -> ChatResponse:
        """The complete reply, once the stream has been read to its end."""
        return self._source.final_response

    def until_done(self) -> ChatResponse:
        """Read the rest of the stream and return the complete reply."""
        for _ in self:
            pass
        return self.final_response


def blocking_iter(
    method: typing.Callable[typing.Concatenate[typing.Any, _P], typing.AsyncIterator[_T]],
) -> typing.Callable[typing.Concatenate[typing.Any, _P], SyncIterator[_T]]:
    """The sync twin of a method returning an async iterator: a ``SyncIterator`` of its items."""

    call = called_as(method, "JulepApi")

    def sync_method(self: SyncClient, /, *args: _P.args, **kwargs: _P.kwargs) -> SyncIterator[_T]:
        return SyncIterator(call(self._async, *args, **kwargs), self._portal, self)

    return twin(sync_method, method, returns=SyncIterator[_item_type(method)])  # type: ignore[misc]


def blocking_stream(
    method: typing.Callable[typing.Concatenate[typing.Any, _P], AsyncChatStream],
) -> typing.Callable[typing.Concatenate[typing.Any, _P], ChatStream]:
    """The sync twin of ``chat_stream``: a ``ChatStream`` instead of an ``AsyncChatStream``."""

    call = called_as(method, "JulepApi")

    def sync_method(self: SyncClient, /, *args: _P.args, **kwargs: _P.kwargs) -> ChatStream:
        return ChatStream(call(self._async, *args, **kwargs), self._portal, self)

    return twin(sync_method, method, returns=ChatStream)


def _item_type(method: typing.Callable[..., typing.Any]) -> typing.Any:
    """``X`` of a method annotated ``-> typing.AsyncIterator[X]`` (annotations are strings here)."""
    returns = method.__annotations__["return"]
    if isinstance(returns, str):
        returns = eval(returns, method.__globals__)
    (item,) = typing.get_args(returns)
    return item
