"""Ctrl+C while LocalServer.start() waits (a slow start: Jupyter's interrupt, then the cell
re-run), then start() again on the same object: when the interrupted start finishes after
the new one, it overwrites the new server's runner and port, and its helper thread (a06e3fd)
then stops *that* state. The server start() returned keeps serving, but the object says
"not started", stop() does nothing, and its thread (and a db file's lock) live on for the
life of the process. The database open is slowed to make the timing deterministic."""
import logging
import os
import signal
import sys
import threading
import time
import urllib.request

from julep.server import db as dbm
from julep.server.local import LocalServer

logging.disable(logging.CRITICAL)
opened = dbm.Database._open
delays = iter([1.5, 0.1, 0.1])  # the interrupted start is the slow one


def slow_open(self: dbm.Database) -> None:
    time.sleep(next(delays, 0.0))
    opened(self)


dbm.Database._open = slow_open  # type: ignore[method-assign]

srv = LocalServer()
threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT)).start()
try:
    srv.start()
except KeyboardInterrupt:
    print("Ctrl+C during start(); starting again")
srv.start()
url = srv.base_url
time.sleep(2.5)  # the interrupted start has finished by now
print("repr after the restart:", srv)
srv.stop()
time.sleep(0.5)
alive = [t.name for t in threading.enumerate() if t.name.startswith("julep-")]
try:
    urllib.request.urlopen(url + "/agents", timeout=3)
    still_serving = True
except OSError:
    still_serving = False
if still_serving or alive:
    print(f"BUG: after stop(), {url} still serves={still_serving}; threads left: {alive}")
    sys.exit(1)
print("ok: stop() stopped the server start() returned")
