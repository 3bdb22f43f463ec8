"""LocalServer in its own thread, the CLI, and the pytest plugin."""

from __future__ import annotations

import gc
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import urllib.request
import weakref
from pathlib import Path

import pytest

from julep.server import LocalServer
from julep.server.cli import main

from ..subprocesses import run_python

ROOT = Path(__file__).resolve().parents[2]
KEY = "cli-secret-key-123"


def _get(url: str) -> tuple[int, object]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, json.loads(response.read())


def _post(url: str, body: object) -> tuple[int, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


def test_sync_context_manager_serves_from_a_thread() -> None:
    """``with LocalServer()`` serves on a free loopback port until the block ends."""
    with LocalServer() as server:
        assert server.base_url == f"http://127.0.0.1:{server.port}/api"
        assert _post(server.base_url + "/agents", {"name": "a"})[0] == 201
        assert _get(server.base_url + "/agents")[0] == 200
        assert server.count("agents") == 1
        assert server.stats()["agents"] == 1
        url = server.base_url
    with pytest.raises(OSError):
        _get(url + "/agents")
    with pytest.raises(RuntimeError, match="not running"):
        _ = server.base_url


def test_start_stop_twice_and_restart() -> None:
    """stop() is safe to repeat, and a stopped server starts again."""
    server = LocalServer()
    server.start()
    with pytest.raises(RuntimeError, match="already running"):
        server.start()
    server.stop()
    server.stop()
    server.start()
    try:
        assert _get(server.base_url + "/users")[1] == {"items": []}
    finally:
        server.stop()


def test_a_taken_port_fails_start() -> None:
    """Starting on a port in use raises from start() and leaves no thread behind."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = LocalServer(port=taken.getsockname()[1])
        with pytest.raises(OSError):
            server.start()
        server.stop()


_INTERRUPTED_START = """
import os, signal, threading, time
from julep.server import LocalServer, db

opened = db.Database._open
def slow_open(self):
    time.sleep(0.5)  # a slow disk: Ctrl+C comes while start() waits
    opened(self)
db.Database._open = slow_open

threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    LocalServer(db=DB).start()
except KeyboardInterrupt:
    print("interrupted")
db.Database._open = opened
for _ in range(100):  # the interrupted server is stopped in the background
    try:
        with LocalServer(db=DB) as again:
            print("restarted", again.count("agents"))
            break
    except db.DatabaseInUse:
        time.sleep(0.05)
"""


def test_ctrl_c_during_start_raises_and_the_server_is_stopped(tmp_path: Path) -> None:
    """Ctrl+C while start() waits raises KeyboardInterrupt at once (start() joined a
    thread that went on serving: the program hung), and that server is then stopped."""
    script = f"DB = {str(tmp_path / 'j.db')!r}\n" + _INTERRUPTED_START
    result = run_python(script)
    assert result.stdout.split() == ["interrupted", "restarted", "0"], result.stderr


def test_a_stopped_server_is_not_kept_in_memory() -> None:
    """aiohttp's cache of middleware chains kept each stopped server that had answered
    (about 120 KB) up to 1,024 of them: a session with a server per test grew by MBs."""
    apps = []
    for _ in range(3):
        with LocalServer() as server:
            assert server._runner is not None
            apps.append(weakref.ref(server._runner.app))
            assert _get(server.base_url + "/agents")[0] == 200
    gc.collect()
    assert [ref() for ref in apps] == [None, None, None]


_RESTARTED_AFTER_AN_INTERRUPTED_START = """
import os, signal, threading, time, urllib.request
from julep.server import LocalServer, db

opened = db.Database._open
delays = iter([1.0, 0.05])  # the interrupted start ends after the next one
def slow_open(self):
    time.sleep(next(delays, 0.0))
    opened(self)
db.Database._open = slow_open

server = LocalServer()
threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    server.start()
except KeyboardInterrupt:
    print("interrupted")
server.start()
url = server.base_url
time.sleep(1.5)  # the interrupted start is over
print("running" if repr(server).startswith("LocalServer(http") else repr(server))
server.stop()
try:
    urllib.request.urlopen(url + "/agents", timeout=3)
    print("still-serving")
except OSError:
    print("stopped")
"""


def test_a_restart_after_an_interrupted_start_is_the_one_stop_stops(tmp_path: Path) -> None:
    """start() again after Ctrl+C interrupted one: the interrupted server, started later,
    took the new one's runner and port, and its helper then stopped that state, so the
    server start() returned served on, out of stop()'s reach."""
    result = run_python(_RESTARTED_AFTER_AN_INTERRUPTED_START)
    assert result.stdout.split() == ["interrupted", "running", "stopped"], result.stderr


def test_count_refuses_unknown_tables() -> None:
    """count() only counts the resource tables."""
    with LocalServer() as server, pytest.raises(ValueError, match="can count only"):
        server.count("sqlite_master")


def test_bad_options_are_refused() -> None:
    """Invalid options raise ValueError before anything starts."""
    with pytest.raises(ValueError, match="model must be one of"):
        LocalServer(model="gpt")
    with pytest.raises(ValueError, match="api_key"):
        LocalServer(api_key="")
    assert main(["--model", "openai"]) == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_cli_serves_until_interrupted(tmp_path: Path) -> None:
    """``serve`` prints its URL, serves with the given options, and exits 0 on SIGINT."""
    port = _free_port()
    argv = ["serve", "--port", str(port), "--db", str(tmp_path / "x.db"), "--api-key", KEY]
    code = f"from julep.server.cli import main; raise SystemExit(main({argv!r}))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/api" in line
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/agents", headers={"Authorization": f"Bearer {KEY}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        rest, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert KEY not in line + rest + stderr
    assert (tmp_path / "x.db").exists()


def test_pytest_plugin_fixtures(tmp_path: Path) -> None:
    """A conftest naming the plugin, also registered by its entry point, loads it once."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["julep.server.pytest_plugin"]\n')
    (tmp_path / "test_uses_plugin.py").write_text(
        textwrap.dedent(
            """
            import json, urllib.request

            def test_server(julep_server, julep_server_url):
                assert julep_server_url == julep_server.base_url
                with urllib.request.urlopen(julep_server_url + "/agents") as response:
                    assert json.loads(response.read()) == {"items": []}
            """
        )
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "error",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
