"""README "The local server": "one server serves a file at a time, a second one on the same
file refuses to start". A hard link to the database is the same file; before the fix a second
server on it started (its lock file, named after the link's path, was another one) and SQLite
gave it a -wal of its own: two write-ahead logs for one database. Exits 1 if it starts."""

import os
import subprocess
import sys
import tempfile
import time

with tempfile.TemporaryDirectory() as tmp:
    real, link = os.path.join(tmp, "real.db"), os.path.join(tmp, "link.db")
    serve = [sys.executable, "-m", "julep", "serve", "--port", "0", "--db"]
    first = subprocess.Popen([*serve, real], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True)
    try:
        assert first.stdout is not None
        print("first:", first.stdout.readline().strip())
        os.link(real, link)
        second = subprocess.Popen([*serve, link], stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        try:
            out, err = second.communicate(timeout=5)
            print("second refused:", err.strip())
            started = False
        except subprocess.TimeoutExpired:
            second.terminate()
            out, err = second.communicate(timeout=10)
            print("second STARTED:", out.strip(), "| files:", sorted(os.listdir(tmp)))
            started = True
    finally:
        first.terminate()
        first.communicate(timeout=10)
sys.exit(1 if started else 0)
