"""The Idempotency-Key of each call is fresh: never repeated in a process,
across threads, or between a parent and a child forked from it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

import pytest

from julep import _idempotency

_HEX_KEY = re.compile(r"[0-9a-f]{32}")


def test_keys_are_128_bit_hex_and_never_repeat_across_batches() -> None:
    keys = [_idempotency.fresh_key() for _ in range(5 * _idempotency._BATCH + 3)]
    assert all(_HEX_KEY.fullmatch(key) for key in keys)
    assert len(set(keys)) == len(keys)


def test_threads_sharing_the_batches_never_get_the_same_key() -> None:
    per_thread = 2_000
    found: list[list[str]] = [[] for _ in range(8)]
    start = threading.Barrier(len(found))

    def draw(out: list[str]) -> None:
        start.wait(timeout=10)
        out.extend(_idempotency.fresh_key() for _ in range(per_thread))

    threads = [threading.Thread(target=draw, args=(out,)) for out in found]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    keys = [key for out in found for key in out]
    assert len(keys) == len(found) * per_thread
    assert len(set(keys)) == len(keys)


# Forked from a fresh interpreter: forking pytest's own process, which may run
# other threads, is deprecated on Python 3.12+ (and warnings are errors here).
_FORK_SCRIPT = """
import os
from julep import _idempotency

_idempotency.fresh_key()  # the parent now holds a batch of keys not yet handed out
read_end, write_end = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(write_end, _idempotency.fresh_key().encode())
    os._exit(0)
os.close(write_end)
child_key = os.read(read_end, 64).decode()
os.waitpid(pid, 0)
parent_keys = {_idempotency.fresh_key() for _ in range(_idempotency._BATCH)}
print(child_key, child_key in parent_keys)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_never_sends_a_key_its_parent_drew() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _FORK_SCRIPT],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    child_key, reused = done.stdout.split()
    assert _HEX_KEY.fullmatch(child_key)
    assert reused == "False"


def test_fork_hook_is_registered_where_fork_exists() -> None:
    # Without the hook the test above fails; this names the cause directly.
    if sys.platform == "win32":
        pytest.skip("no fork on Windows")
    _idempotency.fresh_key()
    _idempotency._forget_after_fork()
    assert _idempotency._drawn == []
