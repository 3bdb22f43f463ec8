"""Load tests of a Julep deployment with Locust: ``JulepUser`` (the ``locust`` extra).

::

    from locust import task
    from julep.locust import JulepUser

    class Chatter(JulepUser):
        @task
        def chat(self) -> None:
            self.client.chat(self.session_id, messages=[{"role": "user", "content": "hi"}])

``self.client`` has every method of ``JulepApi``; each call is reported to
Locust under the operation's name (``chat``, ``create_agent``, ...) with its
HTTP method, and ``chat_stream`` also as ``chat_stream:ttft``. The calls of
every user of a worker process run on one asyncio loop in a real thread, so
one process carries many users at once. In a distributed run the master
also writes ``<--csv prefix>_workers.csv``: requests per worker and operation.
``--host`` is the API's base URL
(e.g. ``http://127.0.0.1:8080/api``); the key is ``api_key`` or ``$JULEP_API_KEY``.
"""

from __future__ import annotations

import functools
import logging
import os
import typing

import locust
from locust import User
from locust.exception import RescheduleTask, StopTest

from .._config import BASE_URL_ENV
from ..client import AsyncJulepApi, JulepApi
from . import _workers
from ._client import FIRST_TOKEN_SUFFIX, REPORTED, JulepLocustClient, MeasuredChatStream
from ._loop import the_loop

__all__ = ["FIRST_TOKEN_SUFFIX", "JulepLocustClient", "JulepUser", "MeasuredChatStream"]


# Locust logs at INFO from the root logger; the SDK's line per request would
# flood a worker's output and cost CPU. Locust's stats say the same; JULEP_LOG
# still switches the SDK's log on.
if not os.environ.get("JULEP_LOG"):
    logging.getLogger("julep").setLevel(logging.WARNING)

# Per-worker request counts, written by the master as <--csv prefix>_workers.csv.
_events: typing.Any = locust.events  # EventHook.add_listener is untyped
_events.init.add_listener(_workers.install)


def _quiet_on_reported(task: typing.Callable[..., None]) -> typing.Callable[..., None]:
    """A task whose failed request (already in Locust's failures) ends it without a traceback."""

    @functools.wraps(task)
    def run(*args: typing.Any, **kwargs: typing.Any) -> None:
        try:
            task(*args, **kwargs)
        except Exception as error:
            if getattr(error, REPORTED, False):
                raise RescheduleTask() from error
            raise

    return run


_SETS_UP_AGAIN = "_julep_sets_up_again"
_SKIPS_UNSET = "_julep_skips_unset"
# On a user: how many wrapped on_start calls have begun and not yet returned.
_SETTING_UP = "_julep_setting_up"


def _set_up_until_done(on_start: typing.Callable[[typing.Any], None]) -> typing.Callable[..., None]:
    """An ``on_start`` that, when a call of it failed (already in Locust's failures),
    waits the user's ``wait_time`` and runs again, where Locust would end the user."""

    @functools.wraps(on_start)
    def run(self: typing.Any) -> None:
        # Until it returns, the user is not set up: stopped meanwhile (StopUser from
        # the wait, or its greenlet killed), its on_stop is skipped, as Locust skips
        # it after an on_start that raised. A count, for an on_start calling a
        # wrapped base class's.
        self.__dict__[_SETTING_UP] = self.__dict__.get(_SETTING_UP, 0) + 1
        while True:
            try:
                on_start(self)
                break
            except Exception as error:
                if not getattr(error, REPORTED, False):
                    raise  # a bug in the setup itself: Locust reports it and ends the user
            # Locust's wait: it raises StopUser when the run stops meanwhile.
            self.wait()
        self.__dict__[_SETTING_UP] -= 1

    setattr(run, _SETS_UP_AGAIN, True)
    return run


def _only_once_set_up(on_stop: typing.Callable[[typing.Any], None]) -> typing.Callable[..., None]:
    """An ``on_stop`` that does not run for a user stopped before its ``on_start``
    returned (failing and setting up again: what it would clean up was never made)."""

    @functools.wraps(on_stop)
    def run(self: typing.Any) -> None:
        if self.__dict__.get(_SETTING_UP, 0):
            return
        on_stop(self)

    setattr(run, _SKIPS_UNSET, True)
    return run


class JulepUser(User):
    """A Locust user whose ``self.client`` is the Julep SDK, every call measured.

    A failed call raises its julep error (``NotFoundError``, ``APITimeoutError``...)
    after Locust has recorded it; a task that lets it through simply ends, as
    Locust's ``RescheduleTask`` would, instead of logging a traceback each time.
    Function tasks of the class are wrapped so; a nested ``TaskSet`` is not.
    An ``on_start`` that lets one through runs again after the user's
    ``wait_time``: Locust would end the user for the rest of the run, leaving
    fewer users than asked for (a subclass's ``on_start`` is wrapped so). A user
    stopped before its ``on_start`` returned does not run its ``on_stop``: as
    after an ``on_start`` that raised in Locust, there is nothing set up to undo.
    """

    abstract = True

    api_key: str | None = None
    """The API key; ``None`` reads ``$JULEP_API_KEY``."""
    timeout: float = 60.0
    """Seconds a call may take before it fails with ``APITimeoutError``."""
    max_retries: int = 0
    """SDK retries; 0 by default, so every failure the server makes is counted."""

    client: JulepApi
    """Typed as ``JulepApi``, whose methods it has; it is a ``JulepLocustClient``."""

    def __init_subclass__(cls, **kwargs: typing.Any) -> None:
        super().__init_subclass__(**kwargs)
        wrapped: dict[typing.Any, typing.Any] = {}
        tasks: list[typing.Any] = []
        for task in cls.tasks:
            if isinstance(task, type):  # a TaskSet: left as it is
                tasks.append(task)
                continue
            if task not in wrapped:
                wrapped[task] = _quiet_on_reported(typing.cast(typing.Callable[..., None], task))
            tasks.append(wrapped[task])
        cls.tasks = tasks
        # The on_start the user runs, wherever it is defined (the class, a mixin
        # before JulepUser in its bases), wrapped once.
        on_start = cls.on_start
        if on_start is not User.on_start and not getattr(on_start, _SETS_UP_AGAIN, False):
            cls.on_start = _set_up_until_done(on_start)  # type: ignore[method-assign]
        on_stop = cls.on_stop
        if on_stop is not User.on_stop and not getattr(on_stop, _SKIPS_UNSET, False):
            cls.on_stop = _only_once_set_up(on_stop)  # type: ignore[method-assign]

    def __init__(self, environment: typing.Any) -> None:
        super().__init__(environment)
        base_url = self.host or environment.host or os.environ.get(BASE_URL_ENV) or None
        if base_url is None:
            # As Locust's own HttpUser: a load test given no target never falls
            # back on a default, here the hosted API (the SDK's default base URL).
            raise StopTest(
                "You must specify the API's base URL: --host (e.g. http://127.0.0.1:8080/api), "
                f"the host attribute of the user class, or ${BASE_URL_ENV}; a JulepUser never "
                "loads the hosted API by default"
            )
        loop = the_loop()
        api = AsyncJulepApi(
            base_url=base_url,
            api_key=self.api_key,
            timeout=self.timeout,
            max_retries=self.max_retries,
            session=loop.session,
        )
        measured = JulepLocustClient(api, loop, environment.events, self.context)
        self.client = typing.cast(JulepApi, measured)
