"""A ``python -m julep serve`` child process for the Locust tests.

Locust monkey-patches the process that imports it, so these tests run Locust
and ``julep.locust`` only in child processes, each with a hard timeout.
"""

from __future__ import annotations

import contextlib
import importlib.util
import pathlib
import subprocess
import sys
import typing

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]

# Found without importing it: importing Locust would monkey-patch this process.
needs_locust = pytest.mark.skipif(
    importlib.util.find_spec("locust") is None,
    reason="Locust is not installed: pip install -e '.[test]' (or '.[locust]')",
)
START_TIMEOUT = 30.0


@contextlib.contextmanager
def serve(*options: str) -> typing.Iterator[str]:
    """Start ``julep serve`` on a free port with ``options``; yield its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "julep", "serve", "--port", "0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert server.stdout is not None
        url = None
        for line in server.stdout:  # the banner comes within a second or two
            if line.startswith("Julep local server: "):
                url = line.split()[3]
                break
        if url is None:
            pytest.fail(f"julep serve exited with {server.wait(timeout=START_TIMEOUT)}")
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()


@pytest.fixture(scope="module")
def server_url() -> typing.Iterator[str]:
    with serve() as url:
        yield url
