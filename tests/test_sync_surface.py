"""JulepApi as users call it: bad calls fail at once, temporaries live, mocks and help() work."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import inspect
import pickle
import pydoc
import textwrap
import threading
import typing
from unittest import mock

import pytest

import julep
from julep._sync_iter import ChatStream, SyncIterator
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer
from .subprocesses import run_python


@pytest.fixture
def server() -> typing.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _loop_threads() -> int:
    return sum(t.name == "julep-event-loop" for t in threading.enumerate())


BAD_CALLS: list[tuple[str, tuple[typing.Any, ...], dict[str, typing.Any], str]] = [
    ("create_agent", (), {}, "missing 1 required keyword-only argument: 'name'"),
    ("get_agent", ("a", "b"), {}, "takes 2 positional arguments but 3 were given"),
    ("create_agent", (), {"name": "x", "instruction": ["y"]}, "unexpected keyword argument"),
    ("wait_for_job", (), {}, "missing 1 required positional argument: 'job_id'"),
    ("iter_agents", ("x",), {}, "takes 1 positional argument but 2 were given"),
    ("chat_stream", ("s",), {}, "missing 1 required keyword-only argument: 'messages'"),
]


@pytest.mark.parametrize(("name", "args", "kwargs", "message"), BAD_CALLS)
def test_bad_call_raises_type_error_at_once(
    server: LoopbackServer,
    name: str,
    args: tuple[typing.Any, ...],
    kwargs: dict[str, typing.Any],
    message: str,
) -> None:
    """A call that does not fit raises Python's TypeError in the caller and sends nothing."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        outcome: list[BaseException] = []

        def call() -> None:
            try:
                getattr(client, name)(*args, **kwargs)
            except BaseException as exc:
                outcome.append(exc)

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(5)
        assert not worker.is_alive(), f"{name} hung instead of raising"
        (error,) = outcome
        assert type(error) is TypeError
        assert message in str(error)
    assert server.requests == 0


def test_temporary_client_lives_through_its_call(server: LoopbackServer) -> None:
    """A client nobody names stays open for its call, then is cleaned up: no thread left."""
    before = _loop_threads()
    make = lambda: JulepApi(api_key=API_KEY, base_url=server.base_url)  # noqa: E731
    assert make().get_agent("t1").id == "t1"
    method = make().get_agent
    gc.collect()
    assert method("t2").id == "t2"
    assert make().with_options(max_retries=0).get_agent("t3").id == "t3"
    del method
    gc.collect()
    assert _loop_threads() == before


def test_temporary_client_iterators_and_streams(server: LoopbackServer) -> None:
    """An iterator or stream from a temporary client keeps it open until it is done."""
    stream = JulepApi(api_key=API_KEY, base_url=server.base_url).chat_stream(
        "s1", messages=[julep.InputChatMlMessage(role="user", content="hi")]
    )
    gc.collect()
    with stream:
        first = next(iter(stream))
    assert first.delta is not None and first.delta.content == "Hel"
    del stream
    gc.collect()


def test_temporary_client_in_a_fresh_interpreter(server: LoopbackServer) -> None:
    """Temporaries leave no ResourceWarning, no unclosed session and no stray output at exit."""
    script = textwrap.dedent(
        f"""
        import gc, threading
        import julep
        url = {server.base_url!r}
        assert julep.JulepApi(api_key="k", base_url=url).get_agent("x").id == "x"
        method = julep.JulepApi(api_key="k", base_url=url).get_agent
        assert method("y").id == "y"
        del method
        gc.collect()
        assert not [t for t in threading.enumerate() if t.name == "julep-event-loop"]
        print("done")
        """
    )
    result = run_python(script, "-W", "error", "-X", "dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    assert result.stderr == ""


def test_sync_methods_are_functions_on_the_class() -> None:
    """inspect, help() and unbound lookups see real functions with the async parameters."""
    function = JulepApi.get_agent
    assert inspect.isfunction(function)
    assert str(inspect.signature(function)) == "(self, agent_id: 'str') -> 'Agent'"
    assert function.__wrapped__ is AsyncJulepApi.get_agent  # type: ignore[attr-defined]
    text = pydoc.render_doc(JulepApi, renderer=pydoc.plaintext)
    assert "get_agent(self, agent_id: 'str') -> 'Agent'" in text
    assert "blocking object" not in text
    iterator = inspect.signature(JulepApi.iter_agents).return_annotation
    assert typing.get_origin(iterator) is SyncIterator
    assert typing.get_args(iterator) == (julep.Agent,)
    assert inspect.signature(JulepApi.chat_stream).return_annotation is ChatStream
    assert "with client.chat_stream" in (JulepApi.chat_stream.__doc__ or "")
    assert "async" not in (JulepApi.chat_stream.__doc__ or "")


@pytest.mark.parametrize("cls", [JulepApi, AsyncJulepApi])
def test_help_shows_no_anonymous_defaults(cls: type) -> None:
    """Every public method's signature reads in help(): no ``<object object at 0x...>``."""
    text = pydoc.render_doc(cls, renderer=pydoc.plaintext)
    assert "object at 0x" not in text
    assert "timeout: 'float | Timeout | None' = OMIT" in str(inspect.signature(cls.with_options))


_PUBLIC = sorted(
    name
    for name in dir(AsyncJulepApi)
    if not name.startswith("_") and inspect.isfunction(getattr(AsyncJulepApi, name))
)


@pytest.mark.parametrize("name", _PUBLIC)
def test_a_call_that_does_not_fit_names_the_client(name: str) -> None:
    """Python's own TypeError names the class called, as julep 0.3.9's did
    (``JulepApi.get_agent() got an unexpected keyword argument``), on both clients,
    not the private mixin the method is written on."""
    for cls in (JulepApi, AsyncJulepApi):
        client = cls(api_key=API_KEY, base_url="http://127.0.0.1:9/api")
        try:
            with pytest.raises(TypeError, match=rf"^{cls.__name__}\.{name}\(\) got an unexpected"):
                getattr(client, name)(no_such_argument=1)
        finally:
            if isinstance(client, JulepApi):
                client.close()


@pytest.mark.parametrize("cls", [JulepApi, AsyncJulepApi])
def test_a_constructor_call_that_does_not_fit_names_the_client(cls: type) -> None:
    """``AsyncJulepApi(bogus=1)`` names ``AsyncJulepApi.__init__()``, as ``JulepApi`` does,
    not the private base class."""
    with pytest.raises(TypeError, match=rf"^{cls.__name__}\.__init__\(\) got an unexpected"):
        cls(api_key=API_KEY, no_such_argument=1)
    with pytest.raises(TypeError, match=rf"^{cls.__name__}\.__init__\(\) takes 1 positional"):
        cls(API_KEY)


@pytest.mark.parametrize("cls", [JulepApi, AsyncJulepApi])
def test_every_public_method_pickles_by_name(cls: type) -> None:
    """Renamed after the client, a method is also found there by pickle
    (multiprocessing, ProcessPoolExecutor), as julep 0.3.9's were."""
    for name in _PUBLIC:
        method = getattr(cls, name)
        assert pickle.loads(pickle.dumps(method)) is method, name


def test_unbound_call(server: LoopbackServer) -> None:
    """``JulepApi.get_agent(client, agent_id=...)`` works like the bound call."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        assert JulepApi.get_agent(client, agent_id="u1").id == "u1"


def test_create_autospec_checks_arity_and_keywords() -> None:
    """Users' autospecced mocks of JulepApi are callable and check each call's signature."""
    client = mock.create_autospec(JulepApi, instance=True)
    client.get_agent.return_value = "agent"
    assert client.get_agent("a") == "agent"
    client.get_agent.assert_called_once_with("a")
    with pytest.raises(TypeError):
        client.get_agent("a", "b")
    with pytest.raises(TypeError):
        client.create_agent(name="x", instruction=["y"])
    client.iter_agents(page_size=5)
    with pytest.raises(TypeError):
        client.iter_agents(size=5)
    assert not isinstance(client.chat, mock.AsyncMock)  # a sync method mocks as sync


def test_close_with_calls_in_flight(server: LoopbackServer) -> None:
    """close() while threads wait hands each a ClientClosedError, never CancelledError."""
    client = JulepApi(api_key=API_KEY, base_url=server.base_url)
    client.get_agent("warm")
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        waiting = [pool.submit(client.get_agent, "slow") for _ in range(4)]
        for _ in range(250):  # until the four requests reached the server (at most 5 s)
            if server.requests >= 5:
                break
            threading.Event().wait(0.02)
        client.close()
        errors = [future.exception(timeout=10) for future in waiting]
    assert all(isinstance(error, julep.ClientClosedError) for error in errors), errors
    assert "closed" in str(errors[0])
    with pytest.raises(julep.ClientClosedError, match="closed"):
        client.get_agent("after")


def test_portal_refuses_what_is_not_a_coroutine(server: LoopbackServer) -> None:
    """Handing the portal a function instead of a coroutine fails at once, never hangs."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        client.get_agent("warm")

        async def coroutine_function() -> None:
            return None

        with pytest.raises(TypeError, match="takes a coroutine"):
            client._portal.call(coroutine_function)  # type: ignore[arg-type]
        assert client.get_agent("after").id == "after"


def _closed_mid_call_async(base_url: str, call: str) -> str:
    async def run() -> str:
        client = AsyncJulepApi(api_key=API_KEY, base_url=base_url, max_retries=0)

        async def close_soon() -> None:
            await asyncio.sleep(0.2)
            await client.close()

        closing = asyncio.ensure_future(close_soon())
        if call == "stream":
            async with client.chat_stream("s1", messages=[{"role": "user", "content": "x"}]) as st:
                await st.__anext__()
                with pytest.raises(julep.ClientClosedError) as error:
                    await st.__anext__()
        else:
            with pytest.raises(julep.ClientClosedError) as error:
                await client.get_agent("slow")
        await closing  # the call may end before close() does
        return str(error.value)

    return asyncio.run(run())


def _closed_mid_call_sync(base_url: str, call: str) -> str:
    client = JulepApi(api_key=API_KEY, base_url=base_url, max_retries=0)
    closer = threading.Timer(0.2, client.close)
    if call == "stream":
        with client.chat_stream("s1", messages=[{"role": "user", "content": "x"}]) as stream:
            next(stream)
            closer.start()
            with pytest.raises(julep.ClientClosedError) as error:
                next(stream)
        # Leaving the with block of a stream whose client is closed raises nothing more.
    else:
        closer.start()
        with pytest.raises(julep.ClientClosedError) as error:
            client.get_agent("slow")
    closer.join(10)
    return str(error.value)


@pytest.mark.parametrize("call", ["stream", "get"])
def test_close_mid_call_says_what_async_says(server: LoopbackServer, call: str) -> None:
    """close() during a call ends it with the ClientClosedError AsyncJulepApi raises,
    naming the call (and for a stream what had come), not the portal's bare one."""
    sync_message = _closed_mid_call_sync(server.base_url, call)
    server.disconnected.clear()
    assert sync_message == _closed_mid_call_async(server.base_url, call)
    assert "was closed while this" in sync_message
    # The server's handler saw the client go and returns: stopping the server
    # with it still running would leave its socket to the garbage collector.
    assert server.disconnected.wait(10)
    threading.Event().wait(0.2)


def test_leaving_an_iterator_after_close_raises_nothing(server: LoopbackServer) -> None:
    """A stream's or an iterator's with block left after its client was closed ends
    quietly, as on AsyncJulepApi."""
    client = JulepApi(api_key=API_KEY, base_url=server.base_url)
    with client.chat_stream("s1", messages=[{"role": "user", "content": "x"}]) as stream:
        next(stream)
        client.close()
    with client.iter_agents() as agents:
        assert agents is not None
