"""chat(stream=True): when the retry of a broken stream runs out of Timeout.total while
reopening it (connection resets), the APITimeoutError names what was left of the
deadline ("the total deadline of 2.349...s") and the attempt's own retry number,
not the caller's Timeout.total=3 (what 6845132 fixed for the stream's own timer).

Expected: "the total deadline of 3s ..." (the Timeout the caller set), as
chat()'s own out-of-time error and 6845132's stream message say.
"""
from __future__ import annotations

import re
import sys

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from _raw import RawServer, reset, sse_then_reset  # noqa: E402

from julep import AsyncJulepApi, JulepApi, Timeout  # noqa: E402
from julep.errors import APITimeoutError  # noqa: E402
import asyncio  # noqa: E402

bad = 0
for surface in ("sync", "async"):
    server = RawServer([sse_then_reset] + [reset] * 40)
    timeout = Timeout(total=3, read=60)
    message = ""
    try:
        if surface == "sync":
            with JulepApi(api_key="sk-repro-0123456", base_url=server.base_url, timeout=timeout, max_retries=30) as c:
                c.chat("s", messages=[{"role": "user", "content": "hi"}], stream=True)
        else:
            async def go() -> None:
                async with AsyncJulepApi(api_key="sk-repro-0123456", base_url=server.base_url, timeout=timeout, max_retries=30) as c:
                    await c.chat("s", messages=[{"role": "user", "content": "hi"}], stream=True)
            asyncio.run(go())
    except APITimeoutError as error:
        message = str(error)
        print(surface, "retries_taken", error.retries_taken, "requests", server.count)
    print(surface, ":", message[:200])
    named = re.search(r"total deadline of ([0-9.e+-]+)s", message)
    if not named or float(named.group(1)) != 3.0:
        bad += 1
    retry = re.search(r"retry (\d+)", message)
    if retry and int(retry.group(1)) != server.count:
        print(f"  names retry {retry.group(1)}, but {server.count} requests were sent: the next is retry {server.count}")
        bad += 1
sys.exit(1 if bad else 0)
