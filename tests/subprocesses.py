"""Fresh interpreters and forked children, for what only a whole process shows (exit, fork)."""

from __future__ import annotations

import os
import subprocess
import sys
import typing
import warnings


def run_python(
    script: str,
    *flags: str,
    args: typing.Sequence[str] = (),
    env: typing.Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """``script`` run by a fresh interpreter with ``flags`` (``-W error``...) and ``args``
    (its ``sys.argv[1:]``), output captured."""
    return subprocess.run(
        [sys.executable, *flags, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env=env,
        cwd=cwd,
    )


def in_forked_child(child: typing.Callable[[], bool]) -> tuple[bytes, int]:
    """Run ``child`` in a forked child: b"ok" if it returned true (else b"fail"), and the
    child's exit code. The child leaves with ``os._exit``: no atexit, no teardown."""
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads (3.12+)
        pid = os.fork()
    if pid == 0:  # pragma: no cover - the child reports through the pipe
        os.close(read_end)
        status = b"fail"
        try:
            if child():
                status = b"ok"
        finally:
            os.write(write_end, status)
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        verdict = reader.read()
    _, exit_status = os.waitpid(pid, 0)
    return verdict, os.waitstatus_to_exitcode(exit_status)
