"""The local server under hostile load: probe latency during a maximum-size chat, and
memory after many mixed requests (issue 10's closing numbers).

  probe   a GET every 5 ms against ``/api/agents/{id}`` while maximum-size chats
          (``MAX_CHAT_MESSAGES`` messages filling the body limit) run back to back;
          reports p50/p99/max of the probes
  memory  the server's RSS before and after N mixed requests (creates with
          idempotency keys, replays, reads, lists, patches, chats, rejected
          bodies) from 32 concurrent clients

    python benchmarks/server_limits.py probe [--chats 5]
    python benchmarks/server_limits.py memory [--requests 50000]

Both run a ``python -m julep serve`` subprocess on 127.0.0.1 with an in-memory
database.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import re
import signal
import sys
import time

import aiohttp
import orjson

from julep.server.config import DEFAULT_MAX_BODY_BYTES
from julep.server.limits import MAX_CHAT_MESSAGES

JSON = {"Content-Type": "application/json"}


async def _start() -> tuple[asyncio.subprocess.Process, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "julep", "serve", "--port", "0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    assert process.stdout is not None
    for _ in range(20):
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        found = re.search(rb"http://127\.0\.0\.1:\d+/api", line)
        if found:
            return process, found.group().decode()
    raise RuntimeError("the server printed no URL")


def _rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def _post(http: aiohttp.ClientSession, url: str, body: object, **headers: str) -> dict:
    async with http.post(url, data=orjson.dumps(body), headers={**JSON, **headers}) as reply:
        return await reply.json()  # type: ignore[no-any-return]


async def probe(chats: int) -> None:
    process, base = await _start()
    try:
        async with aiohttp.ClientSession() as http:
            agent = (await _post(http, base + "/agents", {"name": "a"}))["id"]
            per_message = (DEFAULT_MAX_BODY_BYTES - 4096) // MAX_CHAT_MESSAGES - 40
            content = "word " * (per_message // 5)
            messages = [{"role": "user", "content": content}] * MAX_CHAT_MESSAGES
            body = orjson.dumps({"messages": messages, "remember": False, "recall": False})
            latencies: list[float] = []
            done = asyncio.Event()

            async def probe_loop() -> None:
                while not done.is_set():
                    started = time.perf_counter()
                    async with http.get(f"{base}/agents/{agent}") as reply:
                        await reply.read()
                    latencies.append(time.perf_counter() - started)
                    await asyncio.sleep(0.005)

            task = asyncio.create_task(probe_loop())
            started = time.perf_counter()
            for _ in range(chats):  # a new session each time: history stays small
                session = (await _post(http, base + "/sessions", {"agent_id": agent}))["id"]
                async with http.post(
                    f"{base}/sessions/{session}/chat", data=body, headers=JSON
                ) as r:
                    assert r.status == 200, await r.text()
            elapsed = time.perf_counter() - started
            done.set()
            await task
        latencies.sort()
        p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
        print(
            f"{chats} chats of {len(body)} bytes ({MAX_CHAT_MESSAGES} messages) in {elapsed:.2f} s;"
            f" {len(latencies)} probes: p50 {latencies[len(latencies) // 2] * 1000:.1f} ms,"
            f" p99 {p99 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()


async def memory(requests: int) -> None:
    process, base = await _start()
    try:
        before = _rss_mb(process.pid)
        counter = itertools.count()
        async with aiohttp.ClientSession() as http:
            agent = (await _post(http, base + "/agents", {"name": "a"}))["id"]
            session = (await _post(http, base + "/sessions", {"agent_id": agent}))["id"]

            async def one(index: int) -> None:
                kind = index % 8
                if kind == 0:
                    await _post(
                        http,
                        base + "/agents",
                        {"name": f"a{index}"},
                        **{"Idempotency-Key": f"k{index}"},
                    )
                elif kind == 1:  # a replay of an earlier create
                    await _post(
                        http,
                        base + "/agents",
                        {"name": f"a{index - 1}"},
                        **{"Idempotency-Key": f"k{index - 1}"},
                    )
                elif kind == 2:
                    async with http.get(f"{base}/agents/{agent}") as reply:
                        await reply.read()
                elif kind == 3:
                    async with http.get(base + "/agents", params={"limit": "20"}) as reply:
                        await reply.read()
                elif kind == 4:
                    async with http.patch(
                        f"{base}/agents/{agent}",
                        data=b'{"about": "x"}',
                        headers={**JSON, "Idempotency-Key": f"p{index}"},
                    ) as reply:
                        await reply.read()
                elif kind == 5:
                    await _post(
                        http,
                        f"{base}/sessions/{session}/chat",
                        {
                            "messages": [{"role": "user", "content": f"hello {index}"}],
                            "remember": False,
                            "record": index % 16 == 5,
                        },
                        **{"Idempotency-Key": f"c{index}"},
                    )
                elif kind == 6:  # rejected: nothing may be kept for it
                    await _post(
                        http, base + "/agents", {"name": 5}, **{"Idempotency-Key": f"bad{index}"}
                    )
                else:
                    async with http.get(
                        f"{base}/sessions/{session}/history", params={"limit": "10"}
                    ) as reply:
                        await reply.read()

            async def worker() -> None:
                while (index := next(counter)) < requests:
                    await one(index)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(32)))
            elapsed = time.perf_counter() - started
        after = _rss_mb(process.pid)
        print(
            f"{requests} mixed requests in {elapsed:.1f} s ({requests / elapsed:.0f}/s):"
            f" server RSS {before:.1f} MB before, {after:.1f} MB after"
        )
    finally:
        process.send_signal(signal.SIGTERM)
        await process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("probe").add_argument("--chats", type=int, default=5)
    sub.add_parser("memory").add_argument("--requests", type=int, default=50_000)
    options = parser.parse_args()
    if options.what == "probe":
        asyncio.run(probe(options.chats))
    else:
        asyncio.run(memory(options.requests))


if __name__ == "__main__":
    main()
