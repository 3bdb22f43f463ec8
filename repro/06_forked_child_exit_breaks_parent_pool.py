"""A child forked from a program whose JulepApi has made a call, that does not use the client
and exits normally (sys.exit, the end of the script, leaving a `with JulepApi()` block), breaks
the PARENT's client: the parent's next call waits on a pooled connection until its timeout
(APITimeoutError after 5 s here; 300 s with the default timeout). The child also prints
"Unclosed client session" / "Unclosed connector".

README: "after os.fork() the child starts its own loop and connections". A child that used the
client was fine (its first call set the parent's session aside); one that did not had its copy
of the session collected at exit, which closed the pooled connections' sockets and took them
out of the epoll set the child shares with the parent. Exits 1 while the parent's call fails.
"""

import os
import socket
import subprocess
import sys
import time

from julep import JulepApi

with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
server = subprocess.Popen(
    [sys.executable, "-m", "julep", "serve", "--port", str(port)],
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
try:
    url = f"http://127.0.0.1:{port}/api"
    client = JulepApi(api_key="any", base_url=url, timeout=5)
    for _ in range(100):
        try:
            client.list_agents()
            break
        except Exception:
            time.sleep(0.1)
    pid = os.fork()
    if pid == 0:
        sys.exit(0)  # a child with nothing to do with the client, ending normally
    os.waitpid(pid, 0)
    started = time.monotonic()
    try:
        client.list_agents()
        print(f"parent's next call: ok in {time.monotonic() - started:.2f}s")
        failed = False
    except Exception as exc:
        print(f"parent's next call: {type(exc).__name__} after {time.monotonic() - started:.1f}s")
        failed = True
    client.close()
finally:
    server.terminate()
    server.wait()
sys.exit(1 if failed else 0)
