"""Ctrl+C while ``LocalServer.start()`` waits for its thread hangs the program for ever.

start() catches the KeyboardInterrupt and joins the server thread, which has
meanwhile started serving and runs its loop until someone stops it: nobody will.
A test run using the ``julep_server`` fixture spends much of its time in start(),
so one Ctrl+C there left pytest hanging in 5 of 8 tries (a second Ctrl+C is needed).

Part 1 lands Ctrl+C in start() deterministically (the database open is slowed to
0.5 s, as on a slow disk); part 2 sends one Ctrl+C at a random moment to a
program starting and stopping servers, as a test suite does.
Expected: KeyboardInterrupt out of start() at once, in every run.
"""

import signal
import subprocess
import sys
import textwrap
import time

SLOW_START = textwrap.dedent(
    """
    import os, signal, threading, time
    from julep.server import LocalServer, db

    opened = db.Database._open
    def slow_open(self):
        time.sleep(0.5)  # a slow disk
        opened(self)
    db.Database._open = slow_open

    threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
    try:
        LocalServer().start()
    except KeyboardInterrupt:
        print("KeyboardInterrupt out of start()")
    """
)

LOOP = textwrap.dedent(
    """
    import logging, time
    from julep.server import LocalServer
    logging.disable(logging.WARNING)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        with LocalServer():
            pass
    """
)


def hangs(source: str, delay: float | None) -> bool:
    """Whether the program, sent one Ctrl+C after ``delay`` s (None: it sends its own), hangs."""
    child = subprocess.Popen(
        [sys.executable, "-c", source], stderr=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    if delay is not None:
        time.sleep(delay)
        child.send_signal(signal.SIGINT)
    try:
        child.wait(5)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
        return True
    return False


failed = False
if hangs(SLOW_START, None):
    print("part 1: start() interrupted by Ctrl+C hung until a second Ctrl+C")
    failed = True
else:
    print("part 1: ok")
hung = sum(hangs(LOOP, 1.5 + 0.1 * attempt) for attempt in range(6))
print(f"part 2: hung after one Ctrl+C in {hung} of 6 runs")
sys.exit(1 if failed or hung else 0)
