"""The embedded server, in a child process of its own.

It runs in a child process rather than in a thread of this one: in the same
process it would share the client's GIL, so every request's latency would
include the server waiting for the load generator and the other way round,
and the numbers would describe neither. In its own process it has a core of
its own, as a real deployment would.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import signal
import typing

from ..server import LocalServer
from .errors import BenchError

if typing.TYPE_CHECKING:
    from multiprocessing.connection import Connection

_START_TIMEOUT = 60.0  # seconds for the child to import the server and bind a port
_STOP_TIMEOUT = 15.0  # the server itself gives running requests 5 s to finish


def _serve(conn: Connection, api_key: str) -> None:
    """The server's child process: serve until the parent says stop, or goes away."""
    # Ctrl+C reaches the whole process group; the parent decides when to stop
    # the server, after the load has stopped and been reported.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with LocalServer(api_key=api_key) as server:
        conn.send(server.base_url)
        # recv() blocks until the parent sends "stop"; if the parent dies, the
        # pipe closes, and EOFError ends the server too.
        with contextlib.suppress(EOFError):
            conn.recv()


@contextlib.contextmanager
def embedded_server(api_key: str) -> typing.Iterator[str]:
    """Run the local server (echo model, in memory, 127.0.0.1, requiring ``api_key``)
    in a child process; its base URL."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(
        target=_serve, args=(child, api_key), name="julep-bench-server", daemon=True
    )
    process.start()
    child.close()
    try:
        if not parent.poll(_START_TIMEOUT):
            raise BenchError("the embedded server did not start in time")
        try:
            base_url = parent.recv()
        except EOFError:
            raise BenchError("the embedded server exited before it started serving") from None
        yield str(base_url)
    finally:
        with contextlib.suppress(OSError):
            parent.send("stop")
        process.join(_STOP_TIMEOUT)
        if process.is_alive():
            process.kill()
            process.join()
        parent.close()
        process.close()
