"""Ctrl+C landing in JulepApi.close() just as it hands the drain to the loop leaves the loop running for ever.

Portal.shutdown() (julep/_portal.py) marks the client closed and forgets its loop
*before* its try/finally; a KeyboardInterrupt raised by
``asyncio.run_coroutine_threadsafe(...)`` (the signal handler runs right after
its socket write, as observed with a real SIGINT: traceback ends in
``selector_events._write_to_self``) skips ``loop.stop()`` and the release of the
stranded waiters. The client says "closed", a second close() does nothing, and
the event-loop thread (with its connections) lives until the process exits.
The _portal.py docstring promises: "Ctrl+C during close() is not lost ... once closed".

The signal is simulated at that exact point for determinism; see the loop at the
bottom (--real) for the same with real SIGINTs (hits within a few dozen tries).
"""

import asyncio
import os
import signal
import sys
import threading
import time

from julep import JulepApi
from julep.server import LocalServer


def loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "julep-event-loop" and t.is_alive()]


def simulated() -> bool:
    import julep._portal as portal_module

    original = asyncio.run_coroutine_threadsafe

    def interrupted_after_queueing(coro, loop):  # what a SIGINT right after the write does
        future = original(coro, loop)
        raise KeyboardInterrupt

    with LocalServer() as server:
        client = JulepApi(base_url=server.base_url, api_key="any-key-123")
        client.list_agents()
        portal_module.asyncio.run_coroutine_threadsafe = interrupted_after_queueing
        try:
            client.close()
        except KeyboardInterrupt:
            print("close() raised KeyboardInterrupt (expected: Ctrl+C is not lost)")
        finally:
            portal_module.asyncio.run_coroutine_threadsafe = original
        client.close()  # the user tries again
        time.sleep(0.5)
        alive = loop_threads()
        print("event-loop threads alive after close() twice:", len(alive))
        return bool(alive)


def real(tries: int = 200) -> bool:
    with LocalServer() as server:
        for i in range(tries):
            client = JulepApi(base_url=server.base_url, api_key="any-key-123")
            client.list_agents()
            go = threading.Event()

            def kick(delay: float = (i % 40) * 0.00005) -> None:
                go.wait()
                time.sleep(delay)
                os.kill(os.getpid(), signal.SIGINT)

            kicker = threading.Thread(target=kick)
            kicker.start()
            try:
                go.set()
                client.close()
                time.sleep(0.01)
            except KeyboardInterrupt:
                pass
            kicker.join()
            client.close()
            time.sleep(0.05)
            if loop_threads():
                print(f"real SIGINT: try {i}: event-loop thread alive after close() twice")
                return True
    print("real SIGINT: not hit this time")
    return False


if __name__ == "__main__":
    leaked = real() if sys.argv[1:] == ["--real"] else simulated()
    sys.exit(1 if leaked else 0)
