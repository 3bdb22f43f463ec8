"""Idempotency across ``kill -9``: no write acknowledged or committed is done twice or lost."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sqlite3
import sys
import typing
from pathlib import Path

import aiohttp
import attrs
import pytest

pytestmark = pytest.mark.anyio

ROUNDS = 3
CREATES = 300  # per round
CONCURRENCY = 48
KILL_AFTER = (60, 120, 180)  # acknowledged creates before the kill, per round
_URL = re.compile(rb"http://127\.0\.0\.1:\d+/api")


@attrs.frozen
class Server:
    process: asyncio.subprocess.Process
    base_url: str


async def _start(db: Path) -> Server:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "julep",
        "serve",
        "--port",
        "0",
        "--db",
        str(db),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    for _ in range(20):  # the banner line, and maybe a warning or two before it
        line = await asyncio.wait_for(process.stdout.readline(), timeout=30)
        found = _URL.search(line)
        if found:
            return Server(process, found.group().decode())
    raise AssertionError("the server printed no URL")


async def _kill(server: Server) -> None:
    server.process.send_signal(signal.SIGKILL)
    await server.process.wait()


async def _stop(server: Server) -> None:
    server.process.send_signal(signal.SIGTERM)
    await asyncio.wait_for(server.process.wait(), timeout=30)


async def _create(http: aiohttp.ClientSession, base_url: str, key: str) -> tuple[str, bool] | None:
    """The new agent's id and whether it was a replay; None if the server died first."""
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    body = b'{"name": "%s"}' % key.encode()
    try:
        async with http.post(base_url + "/agents", data=body, headers=headers) as response:
            payload = await response.json()
            assert response.status == 201, payload
            return payload["id"], response.headers.get("Idempotent-Replayed") == "true"
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return None


async def _load_until_killed(server: Server, keys: list[str], kill_after: int) -> dict[str, str]:
    """Create agents with ``CONCURRENCY`` in flight; kill -9 after ``kill_after`` answers."""
    acknowledged: dict[str, str] = {}
    slots = asyncio.Semaphore(CONCURRENCY)
    killed = asyncio.Event()

    async def one(http: aiohttp.ClientSession, key: str) -> None:
        async with slots:
            if killed.is_set():
                return
            result = await _create(http, server.base_url, key)
            if result is not None and not killed.is_set():
                acknowledged[key] = result[0]
                if len(acknowledged) == kill_after:
                    killed.set()
                    await _kill(server)

    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as http:
        await asyncio.gather(*(one(http, key) for key in keys))
    if not killed.is_set():
        await _kill(server)
    return acknowledged


async def _retry_all(server: Server, keys: list[str]) -> dict[str, tuple[str, bool]]:
    slots = asyncio.Semaphore(CONCURRENCY)

    async def one(http: aiohttp.ClientSession, key: str) -> tuple[str, tuple[str, bool]]:
        async with slots:
            result = await _create(http, server.base_url, key)
            assert result is not None, key
            return key, result

    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
        return dict(await asyncio.gather(*(one(http, key) for key in keys)))


def _inspect(db: Path) -> tuple[dict[str, int], str]:
    conn = sqlite3.connect(db)
    try:
        counts = dict(conn.execute("SELECT name, count(*) FROM agents GROUP BY name").fetchall())
        integrity = typing.cast(str, conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()
    return counts, integrity


async def test_creates_survive_kill_9_without_duplicates_or_losses(tmp_path: Path) -> None:
    """Three rounds: load, kill -9, restart, retry every create with its key; all exactly once."""
    db = tmp_path / "julep.db"
    for round_ in range(ROUNDS):
        keys = [f"round{round_}-{index}" for index in range(CREATES)]
        acknowledged = await _load_until_killed(await _start(db), keys, KILL_AFTER[round_])
        server = await _start(db)
        try:
            retried = await _retry_all(server, keys)
        finally:
            await _stop(server)
        counts, integrity = _inspect(db)
        lost = [key for key, agent_id in acknowledged.items() if retried[key][0] != agent_id]
        duplicated = [key for key in keys if counts.get(key, 0) != 1]
        committed_unacked = sum(
            replayed for key, (_, replayed) in retried.items() if key not in acknowledged
        )
        print(
            f"round {round_ + 1}: {CREATES} creates, {len(acknowledged)} acknowledged before"
            f" kill -9, {committed_unacked} committed but unacknowledged (replayed on retry),"
            f" {len(duplicated)} duplicated, {len(lost)} acknowledged lost, integrity {integrity}"
        )
        assert (duplicated, lost, integrity) == ([], [], "ok")
        assert all(replayed for key, (_, replayed) in retried.items() if key in acknowledged)
