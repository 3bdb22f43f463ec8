"""``AsyncJulepApi`` and its synchronous twin ``JulepApi``.

Every operation is written once, as an ``async def`` on ``AsyncJulepApi``.
``JulepApi`` adds no logic: each of its methods is one ``blocking(...)`` line
that runs the async method on the client's own event-loop thread.
"""

from __future__ import annotations

import atexit
import inspect
import types
import typing
import weakref

from ._config import RetryPolicy, Secret, Timeout
from ._network import CertTypes, VerifyTypes
from ._operations.agents import AgentOperations
from ._operations.chat import ChatOperations
from ._operations.docs import DocOperations
from ._operations.memories import MemoryOperations
from ._operations.sessions import SessionOperations
from ._operations.tools import ToolOperations
from ._operations.users import UserOperations
from ._portal import Portal, blocking
from ._sse import DEFAULT_MAX_EVENT_BYTES
from ._sync_iter import blocking_iter, blocking_stream
from ._transport import DEFAULT_MAX_RESPONSE_BYTES
from ._types import OMIT
from .environment import JulepApiEnvironment

__all__ = ["OMIT", "AsyncJulepApi", "JulepApi"]


class AsyncJulepApi(
    AgentOperations,
    UserOperations,
    SessionOperations,
    ChatOperations,
    DocOperations,
    ToolOperations,
    MemoryOperations,
):
    """The asynchronous Julep client, on aiohttp.

    ::

        async with AsyncJulepApi(api_key="...") as client:
            agent = await client.get_agent(agent_id=agent_id)

    Pass ``session=`` to use your own ``aiohttp.ClientSession``; it is never
    closed by the client. Otherwise the client opens one on first use, on the
    running loop, and ``close()`` (or ``async with``) closes it.

    Whatever a server sends, memory stays bounded: a response body larger than
    ``max_response_bytes`` (default 100 MiB, counted after decompression, and
    for a stream its whole body) raises ``ResponseTooLargeError``; one event of
    a stream larger than ``max_event_bytes`` (default 16 MiB) raises
    ``StreamError``.

    Network: ``proxy=`` (else ``HTTP_PROXY``/``HTTPS_PROXY``/``ALL_PROXY``/``NO_PROXY``),
    ``verify=`` (True, False, a CA bundle path or an ``ssl.SSLContext``; else
    ``SSL_CERT_FILE``/``SSL_CERT_DIR``), ``cert=`` (a client certificate for
    mutual TLS) and ``trust_env=False`` to read none of those variables.
    """


def _name_methods_after(cls: type) -> None:
    """Name the public methods ``cls`` inherits from its private mixins after ``cls``.

    Python's own ``TypeError`` for a call that does not fit names the function's
    ``__qualname__``: ``AsyncJulepApi.get_agent() got an unexpected keyword
    argument``, as julep 0.3.9 said, rather than ``AgentOperations.get_agent()``.
    """
    for base in cls.__mro__[1:-1]:
        for name, value in vars(base).items():
            # __init__ too: AsyncJulepApi(bogus=1) names AsyncJulepApi.__init__().
            public = inspect.isfunction(value) and (not name.startswith("_") or name == "__init__")
            if public and getattr(cls, name) is value:
                value.__qualname__ = f"{cls.__name__}.{name}"
                # Where pickle (and pydoc) look the name up: julep.client.AsyncJulepApi.
                value.__module__ = cls.__module__


_name_methods_after(AsyncJulepApi)


class JulepApi:
    """The synchronous Julep client: the same methods as ``AsyncJulepApi``, without ``await``.

    It runs the async client on one background event-loop thread, started on
    the first call and stopped by ``close()`` (or at interpreter exit). One
    client may be shared by many threads; their calls run concurrently.

    ::

        with JulepApi(api_key="...") as client:
            agent = client.get_agent(agent_id=agent_id)
    """

    def __init__(
        self,
        *,
        base_url: str | None = None,
        environment: JulepApiEnvironment = JulepApiEnvironment.DEFAULT,
        api_key: str | None = None,
        timeout: float | Timeout | None = 300,
        httpx_client: object = None,
        max_retries: int | RetryPolicy = 2,
        connection_limit: int = 100,
        headers: typing.Mapping[str, str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        proxy: str | None = None,
        trust_env: bool = True,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
    ) -> None:
        api_key = Secret(api_key) if isinstance(api_key, str) else api_key  # see BaseAsyncClient
        async_client = AsyncJulepApi(
            base_url=base_url,
            environment=environment,
            api_key=api_key,
            timeout=timeout,
            httpx_client=httpx_client,
            max_retries=max_retries,
            connection_limit=connection_limit,
            headers=headers,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            proxy=proxy,
            trust_env=trust_env,
            verify=verify,
            cert=cert,
        )
        portal = Portal(on_fork=async_client._transport.forget)
        self._adopt(async_client, portal)
        self._finalizer = weakref.finalize(self, _shutdown, portal, async_client)
        self._finalizer.atexit = False  # _close_unclosed_at_exit does it, later
        _unclosed[id(portal)] = self._finalizer

    def _adopt(
        self, async_client: AsyncJulepApi, portal: Portal, parent: JulepApi | None = None
    ) -> None:
        self._async = async_client
        self._portal = portal
        # A derived client shares its parent's thread, so it keeps the parent
        # (and the thread) alive, even when the parent was a temporary.
        self._parent = parent

    @property
    def base_url(self) -> str:
        return self._async.base_url

    @property
    def timeout(self) -> Timeout:
        return self._async.timeout

    @property
    def max_retries(self) -> int:
        return self._async.max_retries

    def __repr__(self) -> str:
        # Also for one whose __init__ failed: tracebacks rendered with locals show it.
        async_client = self.__dict__.get("_async")
        return f"JulepApi(base_url={async_client.base_url if async_client else None!r})"

    def __reduce__(self) -> typing.NoReturn:
        raise TypeError(
            "a JulepApi holds an event-loop thread and cannot be pickled; "
            "create a client in each process"
        )

    def with_options(
        self,
        *,
        timeout: float | Timeout | None = OMIT,
        max_retries: int | RetryPolicy = OMIT,
        idempotency_key: str | None = OMIT,
        headers: typing.Mapping[str, str] | None = None,
    ) -> JulepApi:
        """A client with other settings sharing this one's thread and connection pool."""
        options: dict[str, typing.Any] = {"headers": headers}
        if timeout is not OMIT:
            options["timeout"] = timeout
        if max_retries is not OMIT:
            options["max_retries"] = max_retries
        if idempotency_key is not OMIT:
            options["idempotency_key"] = idempotency_key
        derived = JulepApi.__new__(JulepApi)
        derived._adopt(self._async.with_options(**options), self._portal, parent=self)
        return derived

    def close(self) -> None:
        """Close the connection pool and stop the event-loop thread. Safe to call twice."""
        finalizer = getattr(self, "_finalizer", None)
        if finalizer is not None:
            finalizer()
            # Again, directly: a finalizer runs once, and a Ctrl+C that cut the
            # first close() short (before its portal stopped) would otherwise
            # leave the loop thread running with nothing left to stop it.
            _shutdown(self._portal, self._async)

    def __enter__(self) -> JulepApi:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        self.close()

    list_agents = blocking(AsyncJulepApi.list_agents)
    create_agent = blocking(AsyncJulepApi.create_agent)
    get_agent = blocking(AsyncJulepApi.get_agent)
    update_agent = blocking(AsyncJulepApi.update_agent)
    patch_agent = blocking(AsyncJulepApi.patch_agent)
    delete_agent = blocking(AsyncJulepApi.delete_agent)

    list_users = blocking(AsyncJulepApi.list_users)
    create_user = blocking(AsyncJulepApi.create_user)
    get_user = blocking(AsyncJulepApi.get_user)
    update_user = blocking(AsyncJulepApi.update_user)
    patch_user = blocking(AsyncJulepApi.patch_user)
    delete_user = blocking(AsyncJulepApi.delete_user)

    list_sessions = blocking(AsyncJulepApi.list_sessions)
    create_session = blocking(AsyncJulepApi.create_session)
    get_session = blocking(AsyncJulepApi.get_session)
    update_session = blocking(AsyncJulepApi.update_session)
    patch_session = blocking(AsyncJulepApi.patch_session)
    delete_session = blocking(AsyncJulepApi.delete_session)
    chat = blocking(AsyncJulepApi.chat)
    get_history = blocking(AsyncJulepApi.get_history)
    delete_session_history = blocking(AsyncJulepApi.delete_session_history)
    get_suggestions = blocking(AsyncJulepApi.get_suggestions)

    get_agent_docs = blocking(AsyncJulepApi.get_agent_docs)
    create_agent_doc = blocking(AsyncJulepApi.create_agent_doc)
    delete_agent_doc = blocking(AsyncJulepApi.delete_agent_doc)
    get_user_docs = blocking(AsyncJulepApi.get_user_docs)
    create_user_doc = blocking(AsyncJulepApi.create_user_doc)
    delete_user_doc = blocking(AsyncJulepApi.delete_user_doc)

    get_agent_tools = blocking(AsyncJulepApi.get_agent_tools)
    create_agent_tool = blocking(AsyncJulepApi.create_agent_tool)
    update_agent_tool = blocking(AsyncJulepApi.update_agent_tool)
    patch_agent_tool = blocking(AsyncJulepApi.patch_agent_tool)
    delete_agent_tool = blocking(AsyncJulepApi.delete_agent_tool)

    get_agent_memories = blocking(AsyncJulepApi.get_agent_memories)
    delete_agent_memory = blocking(AsyncJulepApi.delete_agent_memory)
    get_job_status = blocking(AsyncJulepApi.get_job_status)

    chat_stream = blocking_stream(AsyncJulepApi.chat_stream)
    wait_for_job = blocking(AsyncJulepApi.wait_for_job)
    iter_agents = blocking_iter(AsyncJulepApi.iter_agents)
    iter_users = blocking_iter(AsyncJulepApi.iter_users)
    iter_sessions = blocking_iter(AsyncJulepApi.iter_sessions)
    iter_agent_docs = blocking_iter(AsyncJulepApi.iter_agent_docs)
    iter_user_docs = blocking_iter(AsyncJulepApi.iter_user_docs)
    iter_agent_tools = blocking_iter(AsyncJulepApi.iter_agent_tools)
    iter_history = blocking_iter(AsyncJulepApi.iter_history)
    iter_suggestions = blocking_iter(AsyncJulepApi.iter_suggestions)
    iter_agent_memories = blocking_iter(AsyncJulepApi.iter_agent_memories)


# The finalizers of the JulepApi clients not closed yet, closed at interpreter
# exit by a hook registered when this module is imported. weakref.finalize's
# own exit hook is registered at the first finalize() of the process, often
# before a program's atexit handlers; those run after it (last in, first out),
# and a cleanup handler that deletes what the program made would find its
# client closed. This hook runs after every handler registered after
# ``import julep.client`` (a program's imports come first). Keyed by the id of
# the client's portal, which its finalizer keeps alive until it runs.
_unclosed: dict[int, weakref.finalize[typing.Any, typing.Any]] = {}


@atexit.register
def _close_unclosed_at_exit() -> None:
    # Every client is closed, even when Ctrl+C (or a failure) interrupts one of
    # them: a loop left running makes interpreter teardown hang for ever (the
    # collected portal waits on its frozen thread). The first interruption is
    # raised once all are closed; clients made meanwhile (by daemon threads)
    # are closed too.
    interrupted: BaseException | None = None
    while _unclosed:
        _, finalizer = _unclosed.popitem()
        try:
            # Not finalizer(): once weakref's own exit hook has run, calling one
            # does nothing, and the loop would be left for teardown to hang on.
            detached = finalizer.detach()
            if detached is not None:
                _, shutdown, args, _ = detached
                shutdown(*args)
        except BaseException as exc:
            if interrupted is None:
                interrupted = exc
    if interrupted is not None:
        raise interrupted


def _shutdown(portal: Portal, async_client: AsyncJulepApi) -> None:
    # Runs on close(), on garbage collection, or at interpreter exit; it must
    # not reference the JulepApi itself, or the finalizer would keep it alive.
    _unclosed.pop(id(portal), None)
    # First, and also when the loop never ran (close() before any call): the
    # transport of a closed client refuses to open a session, on any loop.
    async_client._transport.mark_closed()
    portal.shutdown(async_client.close)
