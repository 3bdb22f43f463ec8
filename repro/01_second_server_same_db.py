"""Two `python -m julep serve --db SAME_FILE` both start and serve; the README's
idempotency promise and PATCH's merge then fail between them.

Expected: the second server refuses to start on a database another server is
serving (or the two keep the promises). README "The local server's guarantees":
"A retry with the key, even after a crash or kill -9 of a server with --db,
answers as the first did ... and writes nothing." A restarted server whose old
process is still alive (systemd restart overlap, a test fixture started twice,
a forgotten terminal) is exactly such a retry target.

Happens: both start; one Idempotency-Key creates two users; concurrent PATCHes
that each add a metadata key lose keys (the read-merge-write is not atomic
across processes); the second server's start marks the first's pending memory
jobs 'aborted'.
"""

import asyncio
import json
import os
import re
import signal
import sys
import tempfile
import uuid

import aiohttp

URL = re.compile(rb"http://127\.0\.0\.1:\d+/api")


async def start(db: str) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "julep", "serve", "--port", "0", "--db", db,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    while True:
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        if not line:
            return proc, ""
        found = URL.search(line)
        if found:
            return proc, found.group().decode()


async def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "julep.db")
        a, url_a = await start(db)
        b, url_b = await start(db)
        try:
            if not url_b:
                err = (await b.stderr.read()).decode()  # type: ignore[union-attr]
                print("OK: the second server refused to start:", err.strip())
                return 0
            print("both servers started on one file:", url_a, url_b)
            headers = {"Content-Type": "application/json"}
            async with aiohttp.ClientSession() as http:

                async def post(url: str, path: str, body: object, key: str | None = None):
                    h = dict(headers, **({"Idempotency-Key": key} if key else {}))
                    async with http.post(url + path, data=json.dumps(body), headers=h) as r:
                        return r.status, await r.json()

                doubled = 0
                for _ in range(30):
                    key = str(uuid.uuid4())
                    answers = await asyncio.gather(
                        post(url_a, "/users", {"name": "once"}, key),
                        post(url_b, "/users", {"name": "once"}, key),
                    )
                    doubled += len({body["id"] for _, body in answers}) > 1
                print(f"keys that created two users (one key each, same body): {doubled} of 30")

                _, agent = await post(url_a, "/agents", {"name": "m"})
                agent_id = agent["id"]

                async def patch(i: int) -> int:
                    url = url_a if i % 2 else url_b
                    async with http.patch(
                        f"{url}/agents/{agent_id}", data=json.dumps({"metadata": {f"k{i}": i}}),
                        headers=headers,
                    ) as r:
                        return r.status

                statuses = await asyncio.gather(*(patch(i) for i in range(60)))
                async with http.get(f"{url_a}/agents/{agent_id}") as r:
                    kept = len((await r.json())["metadata"])
                print(f"60 PATCHes each adding one metadata key, all {set(statuses)}: {kept} keys kept")
            return 1 if doubled or kept != 60 else 0
        finally:
            for proc in (a, b):
                if proc.returncode is None:
                    proc.send_signal(signal.SIGTERM)
                    await proc.wait()


sys.exit(asyncio.run(main()))
