"""Start and stop the loopback server that answers the canned ChatResponse.

nginx (one worker, config generated from nginx.conf.template) when it is on
PATH, else ``_stub_server.py`` in its own process. Both bind 127.0.0.1 only,
run pinned to the server CPU, and die with the benchmark process (PDEATHSIG),
so an interrupted run leaves nothing behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import _payloads

HERE = Path(__file__).resolve().parent
_READY_TIMEOUT_S = 15.0
_PR_SET_PDEATHSIG = 1


@dataclass
class Server:
    kind: str  # "nginx" or "asyncio-stub"
    version: str
    port: int
    proc: subprocess.Popen[bytes]
    cpu_pid: int  # the process that does the serving (nginx worker); 0 if unknown
    log_path: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # nginx: fast shutdown of master and worker
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def free_port() -> int:
    """A currently free loopback port (tiny race with other programs is acceptable)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def preexec_pin(cpu: int | None, die_with_parent: bool) -> None:
    """Runs in the forked child before exec: pin it, and tie its life to ours."""
    if cpu is not None and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {cpu})
    if die_with_parent and sys.platform.startswith("linux"):
        libc = _libc()
        if libc is not None:
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _render_nginx_conf(prefix: Path, port: int, cpu: int | None) -> str:
    body = _payloads.RESPONSE_BODY.decode()
    # The body sits inside a single-quoted nginx string; these would break it.
    if any(ch in body for ch in "'$\\"):
        raise ValueError("canned body must not contain ', $ or \\")
    text = (HERE / "nginx.conf.template").read_text()
    for key, value in {
        "@PREFIX@": str(prefix),
        "@PORT@": str(port),
        "@CPU_AFFINITY@": (
            f"worker_cpu_affinity {1 << cpu:b};" if cpu is not None else "# not pinned (--no-pin)"
        ),
        "@CHAT_PATH_REGEX@": _payloads.CHAT_PATH_REGEX,
        "@BODY@": body,
    }.items():
        text = text.replace(key, value)
    return text


def _nginx_version(nginx: str) -> str:
    out = subprocess.run([nginx, "-v"], check=False, capture_output=True, text=True, timeout=10)
    return (out.stderr or out.stdout).strip().removeprefix("nginx version: ")


def _first_child(pid: int, timeout: float) -> int:
    """The nginx worker's pid (the master's only child), 0 if it can't be read."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            kids = path.read_text().split()
        except OSError:
            return 0
        if kids:
            return int(kids[0])
        time.sleep(0.05)
    return 0


def start_nginx(nginx: str, prefix: Path, port: int, cpu: int | None) -> Server:
    conf = prefix / "nginx.conf"
    conf.write_text(_render_nginx_conf(prefix, port, cpu))
    log = prefix / "error.log"
    # -e: Debian's build opens /var/log/nginx/error.log before reading the config.
    cmd = [nginx, "-p", str(prefix), "-c", str(conf), "-e", str(log)]
    with open(prefix / "nginx.stdout", "wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # The benchmark parent is single-threaded, so preexec_fn is safe here.
            preexec_fn=lambda: preexec_pin(cpu, True),  # noqa: PLW1509
        )
    server = Server("nginx", _nginx_version(nginx), port, proc, 0, log)
    _wait_ready(server)
    server.cpu_pid = _first_child(proc.pid, 5.0)
    return server


def start_stub(python: str, prefix: Path, port: int, cpu: int | None) -> Server:
    log = prefix / "stub.log"
    cmd = [python, str(HERE / "_stub_server.py"), "--port", str(port)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            # The benchmark parent is single-threaded, so preexec_fn is safe here.
            preexec_fn=lambda: preexec_pin(cpu, True),  # noqa: PLW1509
        )
    server = Server("asyncio-stub", f"python {sys.version.split()[0]}", port, proc, proc.pid, log)
    _wait_ready(server)
    return server


def _probe(port: int) -> bytes:
    """POST the canned request once; return the body (raises if not 200)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        path = _payloads.chat_url(port).split(str(port), 1)[1]
        conn.request(
            "POST",
            path,
            body=_payloads.REQUEST_BODY,
            headers={"Content-Type": "application/json"},
        )
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"probe got HTTP {resp.status}: {body[:200]!r}")
        return body
    finally:
        conn.close()


def _wait_ready(server: Server) -> None:
    """Poll until the server answers the canned body, bounded in time."""
    deadline = time.monotonic() + _READY_TIMEOUT_S
    last: Exception | None = None
    while time.monotonic() < deadline:
        if not server.alive():
            log = server.log_path.read_text(errors="replace") if server.log_path.exists() else ""
            raise RuntimeError(
                f"{server.kind} exited early (rc={server.proc.returncode}): {log[-2000:]}"
            )
        try:
            body = _probe(server.port)
        except (OSError, RuntimeError, http.client.HTTPException) as exc:
            last = exc
            time.sleep(0.1)
            continue
        if body != _payloads.RESPONSE_BODY:
            server.stop()
            raise RuntimeError(f"{server.kind} served an unexpected body: {body[:200]!r}")
        return
    server.stop()
    raise RuntimeError(
        f"{server.kind} not ready on port {server.port} after {_READY_TIMEOUT_S}s: {last!r}"
    )


def start_server(
    kind: str, *, nginx: str | None, python: str, prefix: Path, port: int, cpu: int | None
) -> Server:
    """kind: auto | nginx | asyncio."""
    nginx_path = (
        nginx
        or shutil.which("nginx")
        or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    )
    if kind == "nginx" or (kind == "auto" and nginx_path):
        if not nginx_path:
            raise RuntimeError("--server nginx but no nginx found (apt-get install nginx)")
        return start_nginx(nginx_path, prefix, port, cpu)
    return start_stub(python, prefix, port, cpu)
