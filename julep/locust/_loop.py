"""An asyncio event loop in a real OS thread, and waiting on it from gevent greenlets.

Locust monkey-patches ``threading`` and ``socket``: a ``threading.Thread`` is a
greenlet there, and a blocking wait in one greenlet holds the whole worker
process. So the loop thread is started with the unpatched ``start_new_thread``
and polls with the unpatched selector, and a greenlet waiting for a result
sleeps in gevent's hub. The loop thread wakes it with
``hub.loop.run_callback_threadsafe``, the one call gevent makes safe from
another OS thread, so every other greenlet (every other Locust user) runs
meanwhile.
"""

from __future__ import annotations

import asyncio
import atexit
import collections
import os
import socket
import threading
import time
import typing

import aiohttp
import aiohttp.abc
import gevent
import gevent.hub
from gevent import monkey

from .._transport import _Connector
from ._measure import MeasuredResponse

_T = typing.TypeVar("_T")

_SHUTDOWN_SECONDS = 5.0

_start_new_thread = monkey.get_original("_thread", "start_new_thread")
_allocate_lock = monkey.get_original("_thread", "allocate_lock")
_getaddrinfo = monkey.get_original("socket", "getaddrinfo")
_Selector = monkey.get_original("selectors", "DefaultSelector")


class Outcome(typing.Generic[_T]):
    """The result or the exception of one coroutine, and when it ended (``perf_counter``)."""

    def __init__(self) -> None:
        self.value: _T | None = None
        self.error: BaseException | None = None
        self.ended = 0.0

    def result(self) -> _T:
        if self.error is not None:
            raise self.error
        return typing.cast(_T, self.value)


class LoopThread:
    """One asyncio loop in a real thread, with one aiohttp session shared by every user."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeups: dict[int, _Wakeups] = {}  # by gevent hub (one per OS thread using it)
        started = _allocate_lock()
        started.acquire()
        _start_new_thread(self._serve, (started,))
        # A real lock: held for the few milliseconds the loop takes to start.
        started.acquire()
        self.session: aiohttp.ClientSession = self.run(_open_session).result()

    def _serve(self, started: typing.Any) -> None:
        loop = asyncio.SelectorEventLoop(_Selector())
        self._loop = loop
        started.release()
        try:
            loop.run_forever()
        finally:
            loop.close()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        assert self._loop is not None
        return self._loop

    def run(
        self, start: typing.Callable[[], typing.Awaitable[_T]], *, wait: bool = True
    ) -> Outcome[_T]:
        """Run ``start()`` on the loop; the calling greenlet sleeps until it is done.

        If the greenlet is killed while waiting (a Locust user being stopped),
        the coroutine is cancelled on the loop and the kill goes on.
        """
        # Without wait (a clean-up from __del__, which may run in any thread),
        # nothing of gevent's is touched.
        wakeups = self._wakeups_of(gevent.get_hub()) if wait else None
        waiter = gevent.hub.Waiter() if wait else None
        outcome: Outcome[_T] = Outcome()
        tasks: list[asyncio.Future[_T]] = []

        def finished(task: asyncio.Future[_T]) -> None:
            outcome.ended = time.perf_counter()
            if task.cancelled():
                outcome.error = asyncio.CancelledError()
            elif (error := task.exception()) is not None:
                outcome.error = error
            else:
                outcome.value = task.result()
            if wakeups is not None and waiter is not None:
                wakeups.wake(waiter)

        def begin() -> None:
            task = asyncio.ensure_future(start(), loop=self.loop)
            tasks.append(task)
            task.add_done_callback(finished)

        self.loop.call_soon_threadsafe(begin)
        if wakeups is None or waiter is None:
            return outcome
        try:
            wakeups.wait(waiter)
        except BaseException:
            self.loop.call_soon_threadsafe(_cancel, tasks)
            raise
        return outcome

    def _wakeups_of(self, hub: typing.Any) -> _Wakeups:
        wakeups = self._wakeups.get(id(hub))
        if wakeups is None:
            wakeups = self._wakeups[id(hub)] = _Wakeups(hub)
        return wakeups

    def close(self) -> None:
        """Close the session and stop the loop; waits a few seconds at most."""
        done = _allocate_lock()
        done.acquire()

        async def shut() -> None:
            try:
                await self.session.close()
            finally:
                done.release()

        self.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(shut(), loop=self.loop))
        done.acquire(timeout=_SHUTDOWN_SECONDS)
        self.loop.call_soon_threadsafe(self.loop.stop)


class _Wakeups:
    """Wakes greenlets of one gevent hub from the loop thread.

    The loop thread queues the waiter of each finished call and pings one
    ``async_`` watcher (libev's thread-safe wake-up); in the hub, the watcher's
    callback resumes every queued greenlet, so a burst of replies costs one
    wake-up. The watcher keeps the hub alive only while someone is waiting.
    """

    def __init__(self, hub: typing.Any) -> None:
        self._ready: collections.deque[gevent.hub.Waiter] = collections.deque()
        self._watcher = hub.loop.async_()
        self._watcher.start(self._resume)
        self._watcher.ref = False
        self._waiting = 0

    def wait(self, waiter: gevent.hub.Waiter) -> None:
        """Sleep in the hub until ``wake(waiter)``; other greenlets run meanwhile."""
        self._waiting += 1
        self._watcher.ref = True
        try:
            waiter.get()
        finally:
            self._waiting -= 1
            if not self._waiting:
                self._watcher.ref = False

    def wake(self, waiter: gevent.hub.Waiter) -> None:
        """From any thread: resume the greenlet waiting on ``waiter``."""
        self._ready.append(waiter)  # deque.append is atomic
        self._watcher.send()

    def _resume(self) -> None:
        while self._ready:
            self._ready.popleft().switch(None)


def _cancel(tasks: list[asyncio.Future[typing.Any]]) -> None:
    for task in tasks:
        task.cancel()


class RealThreadResolver(aiohttp.abc.AbstractResolver):
    """DNS lookups in a real thread each.

    aiohttp's default resolver uses the loop's executor, whose threads are
    greenlets once gevent has patched ``threading``; they would never run here.
    """

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[aiohttp.abc.ResolveResult]:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[list[typing.Any]] = loop.create_future()

        def lookup() -> None:
            try:
                infos = _getaddrinfo(
                    host, port, family, socket.SOCK_STREAM, 0, socket.AI_ADDRCONFIG
                )
            except BaseException as exc:  # handed to the loop, raised there
                loop.call_soon_threadsafe(_settle_error, answer, exc)
            else:
                loop.call_soon_threadsafe(_settle, answer, infos)

        _start_new_thread(lookup, ())
        infos = await answer
        results: list[aiohttp.abc.ResolveResult] = []
        for family_found, _, proto, _, address in infos:
            text = address[0]
            if family_found == socket.AF_INET6 and len(address) > 3 and address[3]:
                text = f"{text}%{address[3]}"  # a link-local address keeps its scope
            results.append(
                aiohttp.abc.ResolveResult(
                    hostname=host,
                    host=text,
                    port=address[1],
                    family=family_found,
                    proto=proto,
                    flags=socket.AI_NUMERICHOST | socket.AI_NUMERICSERV,
                )
            )
        return results

    async def close(self) -> None:
        return None


def _settle(future: asyncio.Future[_T], value: _T) -> None:
    if not future.done():
        future.set_result(value)


def _settle_error(future: asyncio.Future[typing.Any], error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


async def _open_session() -> aiohttp.ClientSession:
    # The SDK's own pool, as a client that opens its session gets: a pooled
    # connection holding bytes nobody asked for is never reused.
    connector = _Connector(
        # Every user's request in flight gets a connection: the pool never queues.
        limit=0,
        keepalive_timeout=30,
        resolver=RealThreadResolver(),
    )
    session = aiohttp.ClientSession(
        connector=connector,
        response_class=MeasuredResponse,
        timeout=aiohttp.ClientTimeout(total=None),
        # The clients send their own User-Agent; a skip list would only cost
        # a header copy per request.
    )
    # aiohttp re-sends a GET, PUT or DELETE once, unseen, when its pooled
    # connection drops: a failure of the server that Locust would record as a
    # success, behind JulepUser's max_retries=0. Every retry is the SDK's.
    session._retry_connection = False
    return session


_LOOPS: dict[int, LoopThread] = {}  # by process id
_CREATING = threading.Lock()


def the_loop() -> LoopThread:
    """This process's loop thread, started on first use and closed at exit.

    Keyed by process id: a process forked by ``locust --processes`` starts its own.
    """
    with _CREATING:
        loop = _LOOPS.get(os.getpid())
        if loop is None:
            loop = _LOOPS[os.getpid()] = LoopThread()
            atexit.register(loop.close)
        return loop
