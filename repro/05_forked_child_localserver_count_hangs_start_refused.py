"""A forked child of a process with a running LocalServer (multiprocessing's fork workers,
os.fork in a test): server.count() hangs for ever (it waits for the parent's database
thread, absent in the child), and after server.stop() (which forgets the parent's server
in a child) server.start() is refused as 'the server is already running'."""
import logging
import os
import signal
import sys

from julep.server.local import LocalServer

logging.disable(logging.CRITICAL)
srv = LocalServer().start()
pid = os.fork()
if pid == 0:
    signal.alarm(3)
    try:
        srv.count("agents")
    except RuntimeError as exc:
        print("child: count() refused:", exc)
    srv.stop()
    try:
        with srv:
            print("child: a server of its own at", srv.base_url)
    except RuntimeError as exc:
        print("BUG: child: start() after stop():", exc)
        os._exit(1)
    os._exit(0)
_, status = os.waitpid(pid, 0)
srv.stop()
if os.WIFSIGNALED(status):
    print("BUG: the child hung in count() (killed by SIGALRM after 3 s)")
    sys.exit(1)
sys.exit(os.waitstatus_to_exitcode(status))
