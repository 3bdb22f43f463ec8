"""JulepApi where processes fork, signals land and os has no fork: no deadlock, no broken
parent. A forked child calls a client whose portal lock another thread held, finds no import
lock held, and leaves the parent's pool alone; a signal handler may close or call the client
while its loop starts; julep imports where os has no fork (Windows)."""

from __future__ import annotations

import os
import signal
import textwrap
import threading
import typing

import pytest

from julep import JulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer
from .subprocesses import in_forked_child, run_python


@pytest.fixture
def server() -> typing.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("started", [False, True], ids=["first-call", "loop-running"])
def test_a_child_forked_while_the_portal_lock_was_held_calls_the_client(
    server: LoopbackServer, started: bool
) -> None:
    """The portal lock another thread held at the fork (starting the loop, closing) is a
    fresh one in the child: its call is answered instead of waiting for ever."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        if started:
            assert client.get_agent("parent").id == "parent"
        holding, release = threading.Event(), threading.Event()

        def hold_the_lock() -> None:  # as a thread starting the loop holds it
            with client._portal._lock:
                holding.set()
                release.wait(10)

        holder = threading.Thread(target=hold_the_lock)
        holder.start()
        assert holding.wait(10)

        def child() -> bool:
            signal.signal(signal.SIGALRM, lambda *_: os._exit(3))  # a hang fails, not blocks
            signal.alarm(10)
            return client.get_agent("child").id == "child"

        try:
            status, exit_code = in_forked_child(child)
        finally:
            release.set()
            holder.join(10)
        assert (status, exit_code) == (b"ok", 0)
        assert client.get_agent("parent-again").id == "parent-again"


def test_julep_imports_where_os_has_no_fork() -> None:
    """On Windows os has no fork nor register_at_fork: both clients still import and build."""
    script = textwrap.dedent(
        """
        import os
        for name in ("fork", "forkpty", "register_at_fork"):
            if hasattr(os, name):
                delattr(os, name)
        from julep import AsyncJulepApi, JulepApi
        JulepApi(api_key="k", base_url="http://127.0.0.1:9/api").close()
        print("imported")
        """
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "imported"


def test_a_first_call_imports_nothing(server: LoopbackServer) -> None:
    """Starting a client's loop tries no import: a fork while the loop thread held an
    import lock (uvloop's lookup, tried at every start; anyio's asyncio backend) left
    the child that lock held by a thread it lacks, and its first call hung on it."""
    script = textwrap.dedent(
        f"""
        import sys
        from julep import JulepApi

        class Recorder:
            tried = []
            def find_spec(self, name, path=None, target=None):
                self.tried.append(name)
                return None

        client = JulepApi(api_key="k", base_url={server.base_url!r})
        sys.meta_path.insert(0, Recorder())
        assert client.get_agent("a").id == "a"
        client.close()
        print(Recorder.tried)
        """
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
@pytest.mark.parametrize("uvloop", ["0", "1"])
@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_a_child_exiting_without_the_client_leaves_the_parents_pool_alone(
    server: LoopbackServer, client_kind: str, uvloop: str
) -> None:
    """A child that never used its copy of a client and exits normally leaves the parent's
    pooled connections alone (the parent's next call is answered, not timed out) and
    prints nothing about unclosed sessions. With the sync client on uvloop the child's
    own exit status is README's caveat (libuv joins threads the child lacks), and
    is printed rather than asserted; the parent's pool is what must hold."""
    if uvloop == "1":
        pytest.importorskip("uvloop")
    make = (
        "client = JulepApi(api_key='k', base_url=URL, timeout=5)\ncall = client.get_agent"
        if client_kind == "sync"
        else "client = AsyncJulepApi(api_key='k', base_url=URL, timeout=5)\n"
        "loop = asyncio.new_event_loop()\n"
        "call = lambda agent_id: loop.run_until_complete(client.get_agent(agent_id))"
    )
    script = textwrap.dedent(
        """
        import asyncio, os, sys
        from julep import AsyncJulepApi, JulepApi

        URL = {url!r}
        MAKE
        assert call("parent").id == "parent"
        pid = os.fork()
        if pid == 0:
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        print(os.waitstatus_to_exitcode(status))
        print(call("again").id)
        """
    ).format(url=server.base_url)
    script = script.replace("MAKE", make)
    env = {**os.environ, "JULEP_UVLOOP": uvloop}
    result = run_python(script, "-W", "ignore::DeprecationWarning", env=env)
    assert result.returncode == 0, result.stderr
    child_exit, answer = result.stdout.split()
    assert answer == "again"
    if uvloop == "0" or client_kind == "async":  # the async client runs on asyncio here
        assert child_exit == "0"
    assert "Unclosed" not in result.stderr


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="needs POSIX signals")
@pytest.mark.parametrize("handler_does", ["close", "call"])
def test_a_signal_handler_using_the_client_while_its_loop_starts(
    server: LoopbackServer, handler_does: str
) -> None:
    """A signal handler that closes the client (graceful shutdown) or calls it, run while
    the interrupted thread holds the portal lock starting the loop, does not deadlock:
    close() ends the call with ClientClosedError; the handler's own call is answered."""
    script = textwrap.dedent(
        f"""
        import faulthandler, os, signal, threading
        faulthandler.dump_traceback_later(20, exit=True)
        import julep._portal as portal
        from julep import ClientClosedError, JulepApi

        client = JulepApi(api_key="k", base_url={server.base_url!r})
        entered, answers = threading.Event(), []

        def handler(*_):
            entered.set()
            if {handler_does!r} == "close":
                client.close()
            else:
                answers.append(client.get_agent("from-handler").id)

        signal.signal(signal.SIGUSR1, handler)
        start = portal._start_portal

        def start_once_the_handler_ran(started):
            if not entered.is_set():  # the first loop start only
                os.kill(os.getpid(), signal.SIGUSR1)  # the caller holds the lock meanwhile
                entered.wait(10)
            start(started)

        portal._start_portal = start_once_the_handler_ran
        try:
            answers.append(client.get_agent("call").id)
        except ClientClosedError:
            answers.append("closed")
        client.close()
        print(answers, [t.name for t in threading.enumerate() if t.name == "julep-event-loop"])
        """
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    expected = "['closed'] []" if handler_does == "close" else "['from-handler', 'call'] []"
    assert result.stdout.strip() == expected
