"""JulepApi's event-loop thread: start, share, survive fork and Ctrl+C, and stop."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import sys
import textwrap
import threading
import typing

import pytest

import julep
from julep.client import JulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer
from .subprocesses import in_forked_child, run_python


@pytest.fixture
def server() -> typing.Iterator[LoopbackServer]:
    with LoopbackServer() as running:
        yield running


def _loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "julep-event-loop"]


def test_with_block_starts_lazily_and_stops(server: LoopbackServer) -> None:
    """No thread before the first call, one during, none after the with block."""
    before = len(_loop_threads())
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        assert len(_loop_threads()) == before
        assert client.get_agent("a1").id == "a1"
        assert client.get_agent("a2").id == "a2"
        assert len(_loop_threads()) == before + 1
    assert len(_loop_threads()) == before
    with pytest.raises(julep.JulepError, match="closed"):
        client.get_agent("a3")
    client.close()  # a second close is harmless


def test_never_closed_client_exits_cleanly(server: LoopbackServer) -> None:
    """A JulepApi left open neither hangs interpreter exit nor prints a warning."""
    script = textwrap.dedent(
        f"""
        import julep
        client = julep.JulepApi(api_key="k", base_url={server.base_url!r})
        assert client.get_agent("x").id == "x"
        print("done")
        """
    )
    result = run_python(script, "-W", "error", "-X", "dev")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "done"
    # -X dev also turns on asyncio's debug log, which names any step of the loop
    # that took over 100 ms: the first decode of a class generates its code, and
    # on a loaded machine that can be slow. A timing note, not a warning.
    printed = [
        line
        for line in result.stderr.splitlines()
        if not (line.startswith("Executing <") and " took " in line)
    ]
    assert printed == []


def test_an_atexit_cleanup_still_finds_its_client_open(server: LoopbackServer) -> None:
    """A program's atexit handler, registered after its imports but before its client was
    made, can still call the API: the SDK closes clients left open after it (it found the
    client closed when weakref.finalize's exit hook, registered later, ran first)."""
    script = textwrap.dedent(
        f"""
        import atexit
        from julep import JulepApi

        def cleanup():
            print("cleanup", client.get_agent("y").id)

        atexit.register(cleanup)
        client = JulepApi(api_key="k", base_url={server.base_url!r})
        assert client.get_agent("x").id == "x"
        print("done")
        """
    )
    result = run_python(script, "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["done", "cleanup y"], result.stdout + result.stderr
    assert result.stderr == ""


def test_ctrl_c_during_exit_cleanup_still_exits(server: LoopbackServer) -> None:
    """Ctrl+C while the clients left open are closed at exit: the others are closed
    all the same, and the program exits (it hung for ever: a loop left running
    blocks interpreter teardown)."""
    script = textwrap.dedent(
        f"""
        import os, signal, threading, time
        import julep.client
        from julep import JulepApi

        clients = [JulepApi(api_key="k", base_url={server.base_url!r}) for _ in range(12)]
        for c in clients:
            c.get_agent("x")

        def ctrl_c_once_exit_cleanup_started():
            while len(julep.client._unclosed) > 11:
                time.sleep(0.0005)
            os.kill(os.getpid(), signal.SIGINT)

        threading.Thread(target=ctrl_c_once_exit_cleanup_started, daemon=True).start()
        """
    )
    result = run_python(script)
    assert "KeyboardInterrupt" in result.stderr


def test_a_client_made_after_the_exit_hook_does_not_hang_teardown(
    server: LoopbackServer,
) -> None:
    """A client made and used by an atexit handler that runs after julep's exit
    hook (registered before the import) is left running: teardown must not wait
    on its frozen loop thread for ever (it did)."""
    script = textwrap.dedent(
        f"""
        import atexit

        def late():
            from julep import JulepApi
            global kept
            kept = JulepApi(api_key="k", base_url={server.base_url!r})
            print("late", kept.get_agent("y").id, flush=True)

        atexit.register(late)
        from julep import JulepApi
        JulepApi(api_key="k", base_url={server.base_url!r}).get_agent("x")
        """
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "late y\n"


@pytest.mark.parametrize("uvloop", ["0", "1"])
def test_a_first_call_at_exit_runs_or_says_why_it_cannot(
    server: LoopbackServer, uvloop: str
) -> None:
    """A client whose first call is made by an atexit handler: Python 3.12 refuses new
    threads then, so it raises a JulepError saying so, not a bare RuntimeError from
    deep inside; 3.11 allows the thread, and what the loop's start imports (uvloop,
    anyio's backend) was imported with the client, so the call runs."""
    if uvloop == "1":
        pytest.importorskip("uvloop")
    script = textwrap.dedent(
        f"""
        import atexit
        from julep import JulepApi

        def cleanup():
            try:
                print("got", client.get_agent("y").id)
            except Exception as error:
                print(type(error).__name__, error)

        atexit.register(cleanup)
        client = JulepApi(api_key="k", base_url={server.base_url!r})  # never called before exit
        """
    )
    result = run_python(script, "-W", "error", env={**os.environ, "JULEP_UVLOOP": uvloop})
    assert result.returncode == 0, result.stderr
    refused = "JulepError this JulepApi cannot start its event loop while the interpreter exits"
    if sys.version_info[:2] == (3, 11):
        assert result.stdout == "got y\n"
    elif sys.version_info[:2] == (3, 12):
        assert result.stdout.startswith(refused), result.stdout
    else:  # other versions: whichever they do, one of the two
        assert result.stdout == "got y\n" or result.stdout.startswith(refused), result.stdout
    assert result.stderr == ""


def test_one_client_shared_by_eight_threads(server: LoopbackServer) -> None:
    """Eight threads calling at once share one loop thread and all succeed."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:

        def work(worker: int) -> list[str]:
            return [client.get_agent(f"w{worker}-{i}").id for i in range(25)]

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(work, range(8)))
        assert len(_loop_threads()) >= 1
    assert [len(ids) for ids in results] == [25] * 8
    assert results[3][7] == "w3-7"
    assert server.requests == 200


def test_call_from_a_thread_with_a_running_loop(server: LoopbackServer) -> None:
    """Inside a running event loop (as in Jupyter), a sync call still works."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:

        async def notebook_cell() -> str:
            return client.get_agent("nb").id

        assert asyncio.run(notebook_cell()) == "nb"


def test_call_from_the_clients_own_loop_raises(server: LoopbackServer) -> None:
    """A sync call made on the client's own loop thread raises instead of deadlocking."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        client.get_agent("warm")
        loop = client._portal._running_loop().loop

        async def on_loop() -> None:
            client.get_agent("inner")

        future = asyncio.run_coroutine_threadsafe(on_loop(), loop)
        with pytest.raises(julep.JulepError, match="own event-loop thread"):
            future.result(10)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_can_use_the_client(server: LoopbackServer) -> None:
    """After fork the child gets its own loop and connections; the parent keeps working."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        assert client.get_agent("parent").id == "parent"
        child_status, exit_code = in_forked_child(lambda: client.get_agent("child").id == "child")
        assert child_status == b"ok"
        assert exit_code == 0
        assert client.get_agent("parent-again").id == "parent-again"


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_exits_as_quietly_as_its_parent(server: LoopbackServer) -> None:
    """A child that used the client and exits normally (atexit, teardown) prints nothing:
    it printed "Task was destroyed but it is pending!" and "coroutine ignored
    GeneratorExit" for its copy of the parent's session-closing task."""
    script = textwrap.dedent(
        f"""
        import os, sys
        from julep import JulepApi

        client = JulepApi(api_key="k", base_url={server.base_url!r})
        assert client.get_agent("parent").id == "parent"
        pid = os.fork()
        if pid == 0:
            print("child", client.get_agent("child").id, flush=True)
            sys.exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        print("parent", client.get_agent("again").id)
        """
    )
    # fork() with threads is deprecated on 3.12+: a warning, made an error by -W error.
    result = run_python(script, "-W", "error", "-W", "ignore::DeprecationWarning")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["child", "child", "parent", "again"]
    assert result.stderr == ""


def test_keyboard_interrupt_cancels_the_request(server: LoopbackServer) -> None:
    """Ctrl+C during a call cancels it on the loop (the server sees the disconnect)."""
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        client.get_agent("warm")
        # A real SIGINT, as Ctrl+C sends: it interrupts the blocking wait.
        timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                client.get_agent("slow")
        finally:
            timer.cancel()
        assert server.disconnected.wait(10), "the request kept running after Ctrl+C"
        assert client.get_agent("after").id == "after"


def test_ctrl_c_while_the_loop_thread_starts_does_not_hang(server: LoopbackServer) -> None:
    """Ctrl+C while a first call starts the loop thread raises at once and leaves no thread."""
    # The loop takes 0.5 s to start, so the SIGINT sent after 0.1 s lands during the start;
    # it used to be raised inside anyio's start_blocking_portal, whose cleanup then joined a
    # loop thread nobody stopped: the program hung for ever.
    script = textwrap.dedent(
        f"""
        import asyncio, os, signal, threading, time
        import julep, julep._portal

        def slow_loop():
            time.sleep(0.5)
            return asyncio.new_event_loop()

        julep._portal.portal_options = lambda: {{"loop_factory": slow_loop}}
        client = julep.JulepApi(api_key="k", base_url={server.base_url!r})
        threading.Timer(0.1, os.kill, (os.getpid(), signal.SIGINT)).start()
        started = time.monotonic()
        try:
            client.get_agent("x")
        except KeyboardInterrupt:
            print("interrupted", time.monotonic() - started < 0.4)
        time.sleep(1.0)  # the abandoned loop finishes starting, and is stopped
        print(sorted(t.name for t in threading.enumerate() if t.name.startswith("julep")))
        assert client.get_agent("after").id == "after"
        client.close()
        print("done")
        """
    )
    result = run_python(script, "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["interrupted True", "[]", "done"], result.stdout


def test_ctrl_c_during_close_is_raised_once_closed(server: LoopbackServer) -> None:
    """Ctrl+C while close() runs is raised after the client is closed, not swallowed."""
    client = JulepApi(api_key=API_KEY, base_url=server.base_url)
    client.get_agent("warm")
    original_close = client._async.close

    async def slow_close() -> None:
        await asyncio.sleep(0.6)
        await original_close()

    client._async.close = slow_close  # type: ignore[method-assign]
    timer = threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            client.close()
    finally:
        timer.cancel()
    assert _loop_threads() == []
    with pytest.raises(julep.ClientClosedError):
        client.get_agent("after")


class _InterruptedWait(concurrent.futures.Future[None]):
    """A drain handed over to the loop whose every wait is cut by Ctrl+C."""

    def __init__(self, handed_over: concurrent.futures.Future[None]) -> None:
        super().__init__()
        self.handed_over = handed_over

    def result(self, timeout: float | None = None) -> None:
        raise KeyboardInterrupt


@pytest.mark.parametrize("where", ["hand_over", "every_wait"])
def test_ctrl_c_anywhere_in_close_still_stops_the_loop_thread(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """Ctrl+C as close() hands its drain to the loop, or in each of its waits (Ctrl+C
    pressed twice), is raised and the loop thread stops all the same: a later close()
    finds nothing to stop, so a thread left then ran until the process ended."""
    client = JulepApi(api_key=API_KEY, base_url=server.base_url)
    client.get_agent("warm")
    handed_over = asyncio.run_coroutine_threadsafe
    calls: list[int] = []

    def interrupted(
        coroutine: typing.Coroutine[typing.Any, typing.Any, None], loop: asyncio.AbstractEventLoop
    ) -> concurrent.futures.Future[None]:
        calls.append(1)
        future = handed_over(coroutine, loop)
        if where == "hand_over" and len(calls) == 1:
            raise KeyboardInterrupt  # a signal handled right after the loop was woken
        return _InterruptedWait(future) if where == "every_wait" else future

    monkeypatch.setattr(asyncio, "run_coroutine_threadsafe", interrupted)
    with pytest.raises(KeyboardInterrupt):
        client.close()
    monkeypatch.undo()
    assert _loop_threads() == []
    with pytest.raises(julep.ClientClosedError):
        client.get_agent("after")


def test_close_again_after_a_close_cut_short_stops_the_loop_thread(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Ctrl+C that cuts close() short before the portal stops (the finalizer has
    already run) leaves close() to be called again, which stops the loop thread."""
    client = JulepApi(api_key=API_KEY, base_url=server.base_url)
    client.get_agent("warm")
    portal = client._portal

    def cut_short(cleanup: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(portal, "shutdown", cut_short)
    with pytest.raises(KeyboardInterrupt):
        client.close()
    monkeypatch.undo()
    assert len(_loop_threads()) == 1
    client.close()
    assert _loop_threads() == []
    with pytest.raises(julep.ClientClosedError):
        client.get_agent("after")
