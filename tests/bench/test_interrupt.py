"""Ctrl+C, as a terminal sends it: to the whole process group of ``python -m julep bench``."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys

import pytest

import julep

REPO = pathlib.Path(julep.__file__).resolve().parent.parent


@pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGINT are POSIX")
@pytest.mark.parametrize("processes", ["1", "2"])
def test_ctrl_c_stops_the_load_reports_it_and_exits_130(processes: str) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "julep", "bench", "--duration", "60s", "--concurrency", "8"]
    with subprocess.Popen(
        [*command, "--processes", processes],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,  # its own group, like a foreground job
    ) as bench:
        try:
            assert bench.stderr is not None
            # The banner, then the first progress line: the load is running.
            assert "loading" in bench.stderr.readline()
            assert "requests" in bench.stderr.readline()
            os.killpg(bench.pid, signal.SIGINT)
            out, err = bench.communicate(timeout=30)
        finally:
            if bench.poll() is None:
                os.killpg(bench.pid, signal.SIGKILL)
                bench.wait()
    assert bench.returncode == 130, err
    assert "INTERRUPTED" in out
    assert "Traceback" not in err
    requests = next(line for line in out.splitlines() if line.startswith("requests"))
    assert int(requests.split()[1]) > 0
