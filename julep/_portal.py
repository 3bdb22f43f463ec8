"""Running the async client from synchronous code.

Each ``JulepApi`` owns one event-loop thread, started lazily by an anyio
blocking portal on the first call and kept until ``close()``. Calls are
submitted straight to that loop (one thread hop each way, half the cost of
``BlockingPortal.call``), from any number of threads at once.

Guarantees, each tested:
- the coroutine of a call is created in the caller's thread, so arguments that
  don't fit the method raise Python's own ``TypeError`` there, before any hop;
- the loop starts on first use and lives until ``close()``;
- ``close()`` with calls in flight ends each of them with ``ClientClosedError``;
  no ``asyncio.CancelledError`` ever reaches a sync caller;
- a client never closed is cleaned up at interpreter exit without hanging
  (an atexit hook, run before daemon threads are frozen and after the
  program's own handlers registered after import);
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
import inspect
import os
import re
import threading
import types
import typing
import weakref

import anyio.from_thread

from ._loop_backend import import_in_this_thread, portal_options
from ._reply import Reply
from .errors import ClientClosedError, JulepError

_T = typing.TypeVar("_T")
_P = typing.ParamSpec("_P")
_R = typing.TypeVar("_R")
_Coro = typing.Coroutine[typing.Any, typing.Any, _T]

# How long an interrupted or closing call may take to unwind on the loop.
_SETTLE_SECONDS = 5.0
# How long close() lets the calls in flight end by themselves once their
# connections are closed, before it cancels them.
_CLOSE_GRACE_SECONDS = 0.2


class _Forks:
    """How many forks separate this process from the one that imported julep."""

    generation = 0

    @classmethod
    def after_fork_in_child(cls) -> None:
        cls.generation += 1
        # A lock another thread held at the fork (starting a loop, closing) is
        # copied locked, and that thread does not exist here: the child's first
        # call on the client would wait for it for ever. The child has one
        # thread now, so the locks are replaced before anything can use them.
        for portal in list(_PORTALS):
            portal._lock = threading.RLock()


# Every portal of this process, for the child of a fork.
_PORTALS: weakref.WeakSet[Portal] = weakref.WeakSet()

if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_Forks.after_fork_in_child)

# Portals inherited from a parent process. Their thread does not exist here;
# finalizing them would wait for it forever, so they are kept alive unused.
_ORPHANS: list[object] = []


def _closed_error() -> ClientClosedError:
    return ClientClosedError("this client is closed; create a new one")


_Started = tuple[typing.ContextManager[typing.Any], asyncio.AbstractEventLoop, int]


class _Loop:
    """A running portal and what a call needs to know about it."""

    def __init__(self) -> None:
        # The portal is started by a helper thread, never by the caller's: a
        # KeyboardInterrupt raised inside anyio's start_blocking_portal (Ctrl+C
        # during a first call) ends in its cleanup joining a loop thread that
        # nobody stops, and the program hangs. Here the caller only waits.
        started: concurrent.futures.Future[_Started] = concurrent.futures.Future()
        try:
            threading.Thread(
                target=_start_portal, args=(started,), name="julep-loop-start", daemon=True
            ).start()
            try:
                self.context, self.loop, self.thread_id = started.result()
            except BaseException:
                if not started.cancel():  # it started (or is about to): stop it, unwaited
                    threading.Thread(
                        target=_stop_started, args=(started,), name="julep-loop-stop", daemon=True
                    ).start()
                raise
        except RuntimeError as exc:
            # At interpreter exit (an atexit handler's first call): Python 3.12+
            # refuses new threads, and 3.11 a first import of concurrent.futures'
            # threads (uvloop's import does one).
            if "shutdown" not in str(exc):
                raise
            raise JulepError(
                "this JulepApi cannot start its event loop while the interpreter exits: "
                "make its first call before exit, e.g. when you create it"
            ) from exc
        self.generation = _Forks.generation
        # Touched on the loop's thread only: the calls running there now.
        self.tasks: set[asyncio.Task[typing.Any]] = set()

    def stop(self) -> None:
        self.context.__exit__(None, None, None)


def _start_portal(started: concurrent.futures.Future[_Started]) -> None:
    """Start a portal for ``started``; stop it again if the caller left (cancelled) meanwhile."""
    try:
        context = anyio.from_thread.start_blocking_portal(
            "asyncio", backend_options=portal_options(), name="julep-event-loop"
        )
        portal = context.__enter__()
    except BaseException as exc:
        if started.set_running_or_notify_cancel():
            started.set_exception(exc)
        return
    try:
        running: _Started = (
            context,
            portal.call(asyncio.get_running_loop),
            portal.call(threading.get_ident),
        )
        # Held by the loop's own thread, the portal's context is not collected
        # while that thread runs. Collected at interpreter teardown (a loop still
        # running then: a client made after the exit hook), its generator would
        # stop the portal by waiting on the frozen loop thread, for ever.
        portal.call(threading.current_thread).__dict__["julep_portal_context"] = context
    except BaseException as exc:
        context.__exit__(None, None, None)
        if started.set_running_or_notify_cancel():
            started.set_exception(exc)
        return
    if started.set_running_or_notify_cancel():
        started.set_result(running)
    else:
        context.__exit__(None, None, None)


def _stop_started(started: concurrent.futures.Future[_Started]) -> None:
    with contextlib.suppress(BaseException):
        started.result()[0].__exit__(None, None, None)


class Portal:
    """The event-loop thread of one sync client."""

    def __init__(self, on_fork: typing.Callable[[], None]) -> None:
        # Reentrant: a signal handler that closes (or calls) the client runs on the
        # thread it interrupted, which may hold the lock (starting the loop):
        # with a plain lock that thread waited on itself for ever.
        self._lock = threading.RLock()
        _PORTALS.add(self)
        import_in_this_thread()
        self._loop: _Loop | None = None
        self._closed = False
        self._on_fork = on_fork
        # Every caller still waiting, so close() can answer those whose
        # coroutine never got to run.
        self._waiting: set[Reply[typing.Any]] = set()

    def _running_loop(self) -> _Loop:
        current = self._loop
        if current is not None and current.generation == _Forks.generation and not self._closed:
            return current
        with self._lock:
            if self._closed:
                raise _closed_error()
            current = self._loop
            if current is not None and current.generation != _Forks.generation:
                _ORPHANS.append(current)
                self._loop = current = None
                self._waiting = set()
                self._on_fork()
            if current is None:
                current = _Loop()
                # A signal handler run on this thread while the loop started may
                # have closed the client, or started a loop of its own for a call.
                if self._closed or self._loop is not None:
                    current.stop()
                    if self._closed:
                        raise _closed_error()
                    return self._loop
                self._loop = current
            return current

    def _loop_for(self, coroutine: _Coro[typing.Any], checks_first: bool) -> _Loop:
        """The running loop for a call from this thread; on failure the coroutine is closed."""
        try:
            loop = self._running_loop()
            if threading.get_ident() == loop.thread_id:
                raise JulepError(
                    "a JulepApi method was called from the client's own event-loop thread, "
                    "where waiting would deadlock; use AsyncJulepApi in async code"
                )
        except BaseException as exc:
            if checks_first and isinstance(exc, ClientClosedError):
                _raise_argument_error(coroutine)
            coroutine.close()  # never started: nothing to warn "never awaited" about
            raise
        return loop

    def call(self, coroutine: _Coro[_T], *, checks_first: bool = False) -> _T:
        """Run ``coroutine`` on the loop and wait for its result in this thread.

        ``checks_first``: the coroutine is an operation's, which checks its
        arguments before its first ``await``; on a closed client those checks
        still run, so a bad argument raises as on ``AsyncJulepApi``.
        """
        if not asyncio.iscoroutine(coroutine):
            raise TypeError(f"Portal.call takes a coroutine, got {type(coroutine).__name__}")
        loop = self._loop_for(coroutine, checks_first)
        result: Reply[_T] = Reply()
        running: list[asyncio.Task[_T]] = []

        def begin() -> None:
            # A loop callback must never raise: asyncio would only log it, and
            # the caller would wait forever.
            if result.done():  # failed by close() while this waited for its turn
                coroutine.close()
                return
            try:
                if self._closed:
                    raise _closed_error()
                task = loop.loop.create_task(coroutine)
            except BaseException as exc:
                result.set_exception(exc if isinstance(exc, Exception) else _closed_error())
                with contextlib.suppress(BaseException):
                    coroutine.close()
                return
            running.append(task)
            loop.tasks.add(task)
            task.add_done_callback(lambda done: self._settle(loop, result, done))

        with self._lock:
            closed = self._closed  # closed since the loop was looked up
            if not closed:
                self._waiting.add(result)
        if closed:
            if checks_first:
                _raise_argument_error(coroutine)
            coroutine.close()
            raise _closed_error()
        try:
            loop.loop.call_soon_threadsafe(begin)
            return result.result()
        except RuntimeError as exc:
            if loop.loop.is_closed():  # stopped between the check above and now
                coroutine.close()
                raise _closed_error() from exc
            raise
        except BaseException:
            if not result.done():
                # Interrupted while waiting (Ctrl+C): stop the request on the
                # loop, and give it a moment to release its connection.
                with contextlib.suppress(RuntimeError):
                    loop.loop.call_soon_threadsafe(_cancel, running)
                with contextlib.suppress(BaseException):
                    result.result(timeout=_SETTLE_SECONDS)
            raise
        finally:
            with self._lock:
                self._waiting.discard(result)

    def _settle(self, loop: _Loop, result: Reply[_T], task: asyncio.Task[_T]) -> None:
        loop.tasks.discard(task)
        if task.cancelled():
            # Cancelled by close(), or by the caller's own Ctrl+C (who is no
            # longer waiting for this answer): a sync caller sees a JulepError.
            result.set_exception(
                _closed_error() if self._closed else JulepError("the call was cancelled")
            )
        elif (exc := task.exception()) is not None:
            result.set_exception(exc)
        else:
            result.set_result(task.result())

    def shutdown(self, cleanup: typing.Callable[[], _Coro[None]]) -> None:
        """End the calls in flight, run ``cleanup`` on the loop, stop the thread.

        Raises nothing but a ``KeyboardInterrupt`` (or ``SystemExit``) that
        arrived meanwhile, once closed: Ctrl+C during ``close()`` is not lost.
        Later calls raise ``ClientClosedError``. Safe to call twice.
        """
        with self._lock:
            self._closed = True
            loop, self._loop = self._loop, None
        if loop is None or loop.generation != _Forks.generation:
            return
        if threading.get_ident() == loop.thread_id:
            _ORPHANS.append(loop)  # cannot join the thread we are running on
            return
        interrupted: BaseException | None = None
        drained: concurrent.futures.Future[None] | None = None
        try:
            try:
                drained = asyncio.run_coroutine_threadsafe(_drain(loop.tasks, cleanup), loop.loop)
                drained.result(timeout=_SETTLE_SECONDS * 2)
            except Exception:  # a failed cleanup or the time limit: stop all the same
                pass
            except BaseException as exc:  # Ctrl+C while closing: finish, then raise it
                interrupted = exc
                with contextlib.suppress(Exception):  # a second Ctrl+C ends this wait
                    if drained is None:  # it struck while handing the drain over: again
                        drained = asyncio.run_coroutine_threadsafe(
                            _drain(loop.tasks, cleanup), loop.loop
                        )
                    drained.result(timeout=_SETTLE_SECONDS * 2)
        finally:
            # Whatever happened above (a second Ctrl+C included): the client is
            # closed, so its loop thread stops and no other thread waits for ever;
            # nothing else would stop it later (close() again finds no loop).
            try:
                loop.stop()
            finally:
                with self._lock:
                    stranded, self._waiting = self._waiting, set()
                for waiter in stranded:
                    waiter.set_exception(_closed_error())
        if interrupted is not None:
            raise interrupted


async def _drain(
    tasks: set[asyncio.Task[typing.Any]], cleanup: typing.Callable[[], _Coro[None]]
) -> None:
    in_flight = set(tasks)
    try:
        # Closing the connections first ends the calls reading from them as on
        # AsyncJulepApi: a ClientClosedError saying which call, and for a
        # stream how much had come, rather than the portal's bare one.
        await cleanup()
    finally:
        if in_flight:
            _, left = await asyncio.wait(in_flight, timeout=_CLOSE_GRACE_SECONDS)
            for task in left:  # waiting on anything but a connection (a backoff, a pool)
                task.cancel()
            if left:
                await asyncio.wait(left, timeout=_SETTLE_SECONDS)


def _raise_argument_error(coroutine: _Coro[typing.Any]) -> None:
    """On a closed client, raise what the call's own argument checks raise, as
    ``AsyncJulepApi`` does there, so both clients answer a bad call alike.

    An operation checks its arguments before its first ``await``, which reaches
    the transport; a closed transport raises ``ClientClosedError`` there before
    touching any loop. So this runs only checks, in the caller's thread.
    """
    try:
        coroutine.send(None)
    except (TypeError, ValueError):
        raise
    except BaseException:  # ClientClosedError and the like: the caller raises its own
        return
    finally:
        coroutine.close()


def _cancel(tasks: list[asyncio.Task[typing.Any]]) -> None:
    for task in tasks:
        task.cancel()


# --- the sync twins -------------------------------------------------------------


class SyncClient(typing.Protocol):
    """What a sync twin needs of its client."""

    _portal: Portal
    _async: typing.Any


def blocking(
    method: typing.Callable[typing.Concatenate[typing.Any, _P], _Coro[_R]],
) -> typing.Callable[typing.Concatenate[typing.Any, _P], _R]:
    """The sync twin of an async method: ``get_agent = blocking(AsyncJulepApi.get_agent)``.

    The twin is a plain function on the class, so ``help()``,
    ``inspect.signature``, ``mock.create_autospec``, unbound calls and Sphinx see
    the async method's parameters. The coroutine is made here, in the caller's
    thread: a call whose arguments don't fit raises ``TypeError`` at once.
    """

    call = called_as(method, "JulepApi")

    def sync_method(self: SyncClient, /, *args: _P.args, **kwargs: _P.kwargs) -> _R:
        return self._portal.call(call(self._async, *args, **kwargs), checks_first=True)

    return twin(sync_method, method)


_C = typing.TypeVar("_C", bound=typing.Callable[..., typing.Any])


def called_as(method: _C, owner: str) -> _C:
    """A copy of ``method`` whose ``__qualname__`` is ``owner.<name>``.

    Python's own ``TypeError`` for a call that does not fit names the function
    called (``JulepApi.get_agent() got an unexpected keyword argument ...``, as
    julep 0.3.9 said), not the private mixin the async method is defined on.
    """
    function: typing.Any = method
    clone = types.FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    clone.__kwdefaults__ = function.__kwdefaults__
    clone.__qualname__ = f"{owner}.{function.__name__}"
    return typing.cast(_C, clone)


_F = typing.TypeVar("_F", bound=typing.Callable[..., typing.Any])

# Async idioms in docstrings and their sync spelling.
_ASYNC_WORDS = re.compile(r"\basync (?=for\b|with\b)|\bawait ")


def sync_docstring(doc: str | None) -> str | None:
    """An async method's documentation as its sync twin reads: no ``async for``, no ``await``."""
    return None if doc is None else _ASYNC_WORDS.sub("", doc)


def twin(
    function: _F,
    method: typing.Callable[..., typing.Any],
    returns: object = inspect.Parameter.empty,
) -> _F:
    """Dress ``function`` as the sync twin of ``method``, optionally with another return type."""
    signature = inspect.signature(method)
    annotations = dict(method.__annotations__)
    if returns is not inspect.Parameter.empty:
        signature = signature.replace(return_annotation=returns)
        annotations["return"] = returns
    function.__name__ = method.__name__
    function.__qualname__ = f"JulepApi.{method.__name__}"
    function.__module__ = "julep.client"
    function.__doc__ = sync_docstring(method.__doc__)
    function.__signature__ = signature  # type: ignore[attr-defined]
    function.__annotations__ = annotations
    # The async original, for tools that resolve string annotations in its module.
    function.__wrapped__ = method  # type: ignore[attr-defined]
    return function
