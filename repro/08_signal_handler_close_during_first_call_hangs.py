"""A signal handler that closes the client (the usual graceful shutdown on SIGTERM), or makes a
call with it, deadlocks the program for ever when the signal lands while the client's first
call is starting its event loop (a few milliseconds).

The call's thread holds the portal's lock while it waits for the loop to start; Python runs the
handler on that same thread, and close() (or the handler's call) waits for the same
non-reentrant lock. README: "Ctrl+C during a call cancels the request; the client stays usable";
the brief: nothing hangs. Expected: close() ends the call with ClientClosedError; a call made
by the handler is answered. Exits 1 if a hang (10 s) is seen.
"""

import os
import signal
import subprocess
import sys
import textwrap

CHILD = textwrap.dedent(
    """
    import signal, sys
    from julep import JulepApi
    from julep.server import LocalServer

    with LocalServer() as server:
        client = JulepApi(api_key="any", base_url=server.base_url)
        signal.signal(signal.SIGALRM, lambda *_: client.close())  # graceful shutdown
        signal.setitimer(signal.ITIMER_REAL, float(sys.argv[1]))  # lands during the loop start
        try:
            client.list_agents()
            print("call answered")
        except Exception as exc:
            print(f"call ended: {type(exc).__name__}")
    """
)
hung = 0
for delay in ("0.0005", "0.001", "0.002"):
    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, delay], capture_output=True, text=True, timeout=10
        ).stdout.strip()
    except subprocess.TimeoutExpired:
        out, hung = "HUNG (killed after 10 s)", hung + 1
    print(f"signal after {delay}s: {out}")
sys.exit(1 if hung else 0)
