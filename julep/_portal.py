"""Running the async client from synchronous code.

Each ``JulepApi`` owns one event-loop thread, started lazily by an anyio
blocking portal on the first call and kept until ``close()``. Calls are
submitted straight to that loop (one thread hop each way, half the cost of
``BlockingPortal.call``), from any number of threads at once.

Guarantees, each tested:
- the loop starts on first use and lives until ``close()``;
- a client never closed is cleaned up at interpreter exit without hanging
  (``weakref.finalize``, which runs before daemon threads are frozen);
- in a forked child the parent's loop and sockets are abandoned untouched and
  a new loop starts on the next call;
- ``KeyboardInterrupt`` (or any exception) while waiting cancels the request on
  the loop and waits briefly for it to unwind, so the client stays usable;
- a call from the loop's own thread raises instead of deadlocking.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import os
import threading
import typing

import anyio.from_thread

from ._loop_backend import portal_options
from .errors import JulepError

_T = typing.TypeVar("_T")
_P = typing.ParamSpec("_P")
_R = typing.TypeVar("_R")
_W = typing.TypeVar("_W")

# How long an interrupted or closing call may take to unwind on the loop.
_SETTLE_SECONDS = 5.0


class _Forks:
    """How many forks separate this process from the one that imported julep."""

    generation = 0

    @classmethod
    def after_fork_in_child(cls) -> None:
        cls.generation += 1


os.register_at_fork(after_in_child=_Forks.after_fork_in_child)

# Portals inherited from a parent process. Their thread does not exist here;
# finalizing them would wait for it forever, so they are kept alive unused.
_ORPHANS: list[object] = []


class _Loop:
    """A running portal and what a call needs to know about it."""

    def __init__(self) -> None:
        self.context = anyio.from_thread.start_blocking_portal(
            "asyncio", backend_options=portal_options(), name="julep-event-loop"
        )
        portal = self.context.__enter__()
        self.loop: asyncio.AbstractEventLoop = portal.call(asyncio.get_running_loop)
        self.thread_id: int = portal.call(threading.get_ident)
        self.generation = _Forks.generation

    def stop(self) -> None:
        self.context.__exit__(None, None, None)


class Portal:
    """The event-loop thread of one sync client."""

    def __init__(self, on_fork: typing.Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self._loop: _Loop | None = None
        self._closed = False
        self._on_fork = on_fork

    def _running_loop(self) -> _Loop:
        current = self._loop
        if current is not None and current.generation == _Forks.generation:
            return current
        with self._lock:
            current = self._loop
            if current is not None and current.generation != _Forks.generation:
                _ORPHANS.append(current)
                self._loop = current = None
                self._on_fork()
            if current is None:
                if self._closed:
                    raise JulepError("this client is closed; create a new one")
                current = self._loop = _Loop()
            return current

    def call(self, start: typing.Callable[[], typing.Coroutine[typing.Any, typing.Any, _T]]) -> _T:
        """Run ``start()`` on the loop and wait for its result in this thread."""
        loop = self._running_loop()
        if threading.get_ident() == loop.thread_id:
            raise JulepError(
                "a JulepApi method was called from the client's own event-loop thread, "
                "where waiting would deadlock; use AsyncJulepApi in async code"
            )
        result: concurrent.futures.Future[_T] = concurrent.futures.Future()
        tasks: list[asyncio.Task[_T]] = []

        def begin() -> None:
            if not result.set_running_or_notify_cancel():
                return
            task = loop.loop.create_task(start())
            tasks.append(task)
            task.add_done_callback(functools.partial(_settle, result))

        loop.loop.call_soon_threadsafe(begin)
        try:
            return result.result()
        except BaseException:
            if not result.done():
                # Interrupted while waiting (Ctrl+C): stop the request on the
                # loop, and give it a moment to release its connection.
                loop.loop.call_soon_threadsafe(_cancel, tasks)
                with contextlib.suppress(BaseException):
                    result.result(timeout=_SETTLE_SECONDS)
            raise

    def run_on_loop(
        self, start: typing.Callable[[], typing.Coroutine[typing.Any, typing.Any, None]]
    ) -> None:
        """Run a cleanup coroutine if the loop is alive and ours; never raise."""
        loop = self._loop
        if loop is None or loop.generation != _Forks.generation:
            return
        if threading.get_ident() == loop.thread_id:
            return
        future = asyncio.run_coroutine_threadsafe(start(), loop.loop)
        with contextlib.suppress(BaseException):
            future.result(timeout=_SETTLE_SECONDS)

    def stop(self) -> None:
        """Stop the loop thread; later calls raise."""
        with self._lock:
            self._closed = True
            loop, self._loop = self._loop, None
        if loop is None or loop.generation != _Forks.generation:
            return
        if threading.get_ident() == loop.thread_id:
            _ORPHANS.append(loop)  # cannot join the thread we are running on
            return
        loop.stop()


def _settle(result: concurrent.futures.Future[_T], task: asyncio.Task[_T]) -> None:
    if task.cancelled():
        result.set_exception(asyncio.CancelledError())
    elif (exc := task.exception()) is not None:
        result.set_exception(exc)
    else:
        result.set_result(task.result())


def _cancel(tasks: list[asyncio.Task[typing.Any]]) -> None:
    for task in tasks:
        task.cancel()


class _SyncClient(typing.Protocol):
    _portal: Portal
    _async: typing.Any
    __dict__: dict[str, typing.Any]


class blocking(typing.Generic[_P, _R]):  # noqa: N801 - used like a decorator
    """A sync twin of an async method: ``get_agent = blocking(AsyncJulepApi.get_agent)``.

    Type checkers see the same parameters and the awaited return type; at run
    time the call goes through the client's portal, and ``help()`` shows the
    async method's docstring.
    """

    def __init__(
        self,
        method: typing.Callable[
            typing.Concatenate[typing.Any, _P], typing.Coroutine[typing.Any, typing.Any, _R]
        ],
    ) -> None:
        self._name = method.__name__
        self.__doc__ = method.__doc__

    @typing.overload
    def __get__(self, instance: None, owner: type) -> blocking[_P, _R]: ...

    @typing.overload
    def __get__(self, instance: _SyncClient, owner: type) -> typing.Callable[_P, _R]: ...

    def __get__(
        self, instance: _SyncClient | None, owner: type
    ) -> blocking[_P, _R] | typing.Callable[_P, _R]:
        if instance is None:
            return self
        async_client = instance._async
        bound = getattr(async_client, self._name)
        call = instance._portal.call

        @functools.wraps(bound)
        def method(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            result: _R = call(functools.partial(bound, *args, **kwargs))
            return result

        # Cached on the instance: a non-data descriptor is not consulted again.
        instance.__dict__[self._name] = method
        return method


class IteratorDescriptor(typing.Generic[_P, _W]):
    """Shared by the iterator twins: call the async method, wrap what it returns."""

    def __init__(
        self,
        method: typing.Callable[typing.Concatenate[typing.Any, _P], typing.Any],
        wrap: typing.Callable[[typing.Any, Portal], _W],
    ) -> None:
        self._name = method.__name__
        self._wrap = wrap
        self.__doc__ = method.__doc__

    @typing.overload
    def __get__(self, instance: None, owner: type) -> IteratorDescriptor[_P, _W]: ...

    @typing.overload
    def __get__(self, instance: _SyncClient, owner: type) -> typing.Callable[_P, _W]: ...

    def __get__(
        self, instance: _SyncClient | None, owner: type
    ) -> IteratorDescriptor[_P, _W] | typing.Callable[_P, _W]:
        if instance is None:
            return self
        bound = getattr(instance._async, self._name)
        portal, wrap = instance._portal, self._wrap

        @functools.wraps(bound)
        def method(*args: _P.args, **kwargs: _P.kwargs) -> _W:
            return wrap(bound(*args, **kwargs), portal)

        instance.__dict__[self._name] = method
        return method
