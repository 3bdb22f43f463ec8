"""Ctrl+C (SIGINT) that lands while a JulepApi's first call starts its event-loop
thread hangs the program: the KeyboardInterrupt is raised inside anyio's
start_blocking_portal, whose cleanup joins a loop thread nobody ever stops.

README ("How the sync client works"): "Ctrl+C during a call cancels the
request; the client stays usable". Expected: KeyboardInterrupt promptly.
Observed: the main thread waits in thread.join() for ever (a second Ctrl+C is
needed, and leaves an orphan loop thread behind).

Each try makes a fresh client (the first call starts the loop thread) and sends
SIGINT to the process a few milliseconds later. Exits 1 on a hang."""

import os
import random
import signal
import sys
import threading
import time
import traceback

from julep import JulepApi
from julep.server import LocalServer

signal.signal(signal.SIGINT, signal.default_int_handler)
random.seed(1)
state = {"phase": "start", "since": time.monotonic()}


def watchdog() -> None:
    while True:
        time.sleep(0.5)
        if state["phase"] == "call" and time.monotonic() - state["since"] > 10:
            main = sys._current_frames()[threading.main_thread().ident]
            print("HUNG for 10 s after Ctrl+C; the main thread is at:")
            print("".join(traceback.format_stack(main)[-4:]))
            os._exit(1)


threading.Thread(target=watchdog, daemon=True).start()
with LocalServer() as server:
    for attempt in range(300):
        client = JulepApi(api_key="k", base_url=server.base_url)
        timer = threading.Timer(random.uniform(0, 0.004), os.kill, (os.getpid(), signal.SIGINT))
        try:
            state.update(phase="call", since=time.monotonic())
            timer.start()
            client.list_agents()
            time.sleep(0.01)  # the signal lands here if the call was quicker
        except KeyboardInterrupt:
            pass
        finally:
            state["phase"] = "idle"
        timer.join()
        client.close()
print("no hang in 300 tries")
