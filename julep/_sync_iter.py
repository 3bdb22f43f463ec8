"""Synchronous iterators over the client's async iterators, through its portal."""

from __future__ import annotations

import contextlib
import types
import typing

from ._portal import IteratorDescriptor, Portal
from ._streaming import AsyncChatStream
from .models import ChatResponse
from .models.streaming import ChatResponseChunk

_T = typing.TypeVar("_T")
_P = typing.ParamSpec("_P")
_S = typing.TypeVar("_S", bound="SyncIterator[typing.Any]")


class SyncIterator(typing.Generic[_T]):
    """Each ``next()`` awaits one item on the client's loop.

    Breaking out of a ``for`` loop over it, leaving its ``with`` block, an
    exception (Ctrl+C included) or ``close()`` closes the async side, which
    releases its HTTP connection.
    """

    def __init__(self, source: typing.AsyncIterator[_T], portal: Portal) -> None:
        self._source = source
        self._portal = portal
        self._closed = False

    def __iter__(self) -> SyncIterator[_T]:
        return self

    def __next__(self) -> _T:
        if self._closed:
            raise StopIteration
        try:
            return self._portal.call(self._next)
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
            self._portal.call(aclose)

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

    def __init__(self, source: AsyncChatStream, portal: Portal) -> None:
        super().__init__(source, portal)

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
) -> IteratorDescriptor[_P, SyncIterator[_T]]:
    """The sync twin of a method returning an async iterator."""
    return IteratorDescriptor(method, SyncIterator)


def blocking_stream(
    method: typing.Callable[typing.Concatenate[typing.Any, _P], AsyncChatStream],
) -> IteratorDescriptor[_P, ChatStream]:
    """The sync twin of ``chat_stream``."""
    return IteratorDescriptor(method, ChatStream)
