"""Start ``python -m julep serve`` in a child process on a free port (shared by the repros)."""

import contextlib
import socket
import subprocess
import sys
import time


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(*args: str):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "julep", "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.1)
        yield port, proc
    finally:
        proc.kill()
        proc.wait()
