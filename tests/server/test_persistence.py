"""A database file keeps everything across a restart, idempotency keys included."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from julep.server import LocalServer
from julep.server.db import DatabaseInUse
from julep.server.store.schema import DDL

from ..subprocesses import run_python
from .helpers import Api, wait_for_job

pytestmark = pytest.mark.anyio


async def test_data_survives_a_restart(tmp_path: Path) -> None:
    """Write, stop, start again on the same file, read the same data back."""
    db = str(tmp_path / "julep.db")
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        agent_id = await api.agent(
            metadata={"k": "v"}, docs=[{"title": "Paris", "content": "France"}]
        )
        user_id = await api.user()
        session_id = await api.session(agent_id, user_id)
        job_id = (await api.chat(session_id, "Remember Lisbon")).body["jobs"][0]
        before = {
            "agent": (await api.get(f"/agents/{agent_id}")).body,
            "history": (await api.get(f"/sessions/{session_id}/history")).body,
        }
    # Stopping ran the queued memory job, so nothing is left pending.
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        assert (await api.get(f"/agents/{agent_id}")).body == before["agent"]
        assert (await api.get(f"/sessions/{session_id}/history")).body == before["history"]
        assert (await wait_for_job(api, job_id))["state"] == "succeeded"
        memories = (await api.get(f"/agents/{agent_id}/memories", params={"query": "Lisbon"})).body
        assert [m["content"] for m in memories["items"]] == ["Remember Lisbon"]
        chat = (await api.chat(session_id, "Tell me about Paris", remember=False)).body
        assert chat["doc_ids"]["agent_doc_ids"]


async def test_idempotency_keys_survive_a_restart(tmp_path: Path) -> None:
    """A retry after a restart still replays the first response."""
    db = str(tmp_path / "julep.db")
    headers = {"Idempotency-Key": "across-restart"}
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        first = await Api(session, server.base_url).post(
            "/agents", json={"name": "a"}, headers=headers
        )
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        again = await Api(session, server.base_url).post(
            "/agents", json={"name": "a"}, headers=headers
        )
        assert again.body == first.body
        assert again.headers["Idempotent-Replayed"] == "true"
        assert server.count("agents") == 1


async def test_in_memory_data_is_gone_after_a_restart() -> None:
    """Without a file every start begins empty."""
    server = LocalServer()
    async with server, aiohttp.ClientSession() as session:
        await Api(session, server.base_url).agent()
        assert server.count("agents") == 1
    async with server:
        assert server.count("agents") == 0


async def test_a_file_from_a_cascading_schema_does_not_cascade(tmp_path: Path) -> None:
    """A database whose tables say ON DELETE CASCADE (older versions) keeps sessions and docs."""
    db = tmp_path / "old.db"
    cascading = DDL.replace(
        "agent_id TEXT NOT NULL,",
        "agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,",
    ).replace("agent_id TEXT,", "agent_id TEXT REFERENCES agents (id) ON DELETE CASCADE,")
    assert cascading.count("ON DELETE CASCADE") >= 3
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.executescript(cascading)
    async with LocalServer(db=str(db)) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        agent_id = await api.agent(docs=[{"title": "t", "content": "c"}])
        await api.session(agent_id)
        assert (await api.delete(f"/agents/{agent_id}")).status == 202
        assert (server.count("sessions"), server.count("docs")) == (1, 1)


def _modes(folder: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
async def test_the_database_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    """Everything the API key guards is in the file: with the usual umask (022) it and its
    -wal/-shm were 0644, readable by every local user."""
    db = tmp_path / "julep.db"
    old_umask = os.umask(0o022)
    try:
        async with LocalServer(db=str(db)) as server, aiohttp.ClientSession() as session:
            async with session.post(server.base_url + "/agents", json={"name": "a"}) as reply:
                assert reply.status == 201
            modes = _modes(tmp_path)
    finally:
        os.umask(old_umask)
    assert {"julep.db", "julep.db-wal"} <= modes.keys()
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


async def test_an_existing_database_file_keeps_its_mode(tmp_path: Path) -> None:
    """A file the user made (and chose the mode of) is not changed."""
    db = tmp_path / "julep.db"
    db.touch(mode=0o640)
    db.chmod(0o640)
    async with LocalServer(db=str(db)):
        pass
    assert _modes(tmp_path)["julep.db"] == 0o640


async def test_a_second_server_on_the_same_file_refuses_to_start(tmp_path: Path) -> None:
    """Two servers on one file broke idempotency keys and PATCH merges between them; the
    second is refused, naming the first's pid, and the file is free once the first stops."""
    db = str(tmp_path / "julep.db")
    async with LocalServer(db=db) as first:
        with pytest.raises(DatabaseInUse, match=rf"another julep server \(pid {os.getpid()}\)"):
            await LocalServer(db=db).astart()
        assert first.count("agents") == 0  # the first still serves
    async with LocalServer(db=db) as again, aiohttp.ClientSession() as session:
        assert (await Api(session, again.base_url).get("/agents")).status == 200


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
async def test_a_symlink_to_a_file_in_use_is_refused_too(tmp_path: Path) -> None:
    """A symlink names the same database: the lock is taken on the real path."""
    real, link = tmp_path / "real.db", tmp_path / "link.db"
    real.touch()
    link.symlink_to(real)
    async with LocalServer(db=str(real)):
        with pytest.raises(DatabaseInUse):
            await LocalServer(db=str(link)).astart()


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
async def test_a_file_with_another_hard_link_is_refused(tmp_path: Path) -> None:
    """README: a second server on the same file refuses to start. A hard link is the same
    file under another path: its lock file was another one, so a second server started,
    and SQLite wrote a second -wal for the one database (atkD3 repro/05)."""
    real, link = tmp_path / "real.db", tmp_path / "link.db"
    async with LocalServer(db=str(real)):
        os.link(real, link)
        with pytest.raises(DatabaseInUse, match="2 hard links"):
            await LocalServer(db=str(link)).astart()
    assert not (tmp_path / "link.db-wal").exists()
    link.unlink()
    async with LocalServer(db=str(real)):  # one link again: served
        pass


async def test_other_files_and_memory_servers_run_side_by_side(tmp_path: Path) -> None:
    """Only the same file is refused: other files, and in-memory servers, run together."""
    async with (
        LocalServer(db=str(tmp_path / "a.db")),
        LocalServer(db=str(tmp_path / "b.db")),
        LocalServer(),
        LocalServer(),
    ):
        pass


def test_serve_on_a_file_in_use_ends_with_one_line(tmp_path: Path) -> None:
    """``julep serve --db`` on a file another server serves exits 2 with one line."""
    db = tmp_path / "julep.db"
    with LocalServer(db=str(db)):
        done = subprocess.run(
            [sys.executable, "-m", "julep", "serve", "--port", "0", "--db", str(db)],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"julep serve: --db {db}: another julep server (pid ")
    assert done.stderr.count("\n") == 1 and done.stdout == ""


_FORKED_CHILD_SCRIPT = """
import os, signal, sys, time
from julep.server import LocalServer

db = sys.argv[1]
server = LocalServer(db=db).start()
pid = os.fork()
if pid == 0:  # a child that lives on after the parent's server stops (a worker)
    time.sleep(30)
    os._exit(0)
server.stop()
try:
    with LocalServer(db=db):
        print("restarted")
finally:
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_does_not_keep_the_parents_lock(tmp_path: Path) -> None:
    """flock(2) belongs to the open file, so a forked child shared the lock: the parent's
    restart was refused while the child lived. The child lets go of its copy at the fork."""
    done = run_python(_FORKED_CHILD_SCRIPT, args=[str(tmp_path / "julep.db")])
    assert (done.returncode, done.stdout) == (0, "restarted\n"), done.stderr


_FORKED_CHILD_OF_ITS_OWN = """
import os, signal, sys
from julep.server import LocalServer

server = LocalServer().start()
pid = os.fork()
if pid == 0:
    signal.alarm(10)  # the count waited for the parent's database thread for ever
    try:
        server.count("agents")
    except RuntimeError as exc:
        print("count:", "forked child" in str(exc))
    server.stop()  # the parent's server, forgotten here
    with server:  # and one of the child's own
        print("own:", server.count("agents"))
    os._exit(0)
_, status = os.waitpid(pid, 0)
server.stop()
sys.exit(os.waitstatus_to_exitcode(status))
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_can_start_a_server_of_its_own() -> None:
    """In a forked child, count() hung on the parent's database thread, and a start()
    after stop() was refused as 'already running': the copy kept the parent's runner."""
    done = run_python(_FORKED_CHILD_OF_ITS_OWN)
    assert (done.returncode, done.stdout) == (0, "count: True\nown: 0\n"), done.stderr


@pytest.mark.parametrize("ahead", [dt.timedelta(seconds=2), dt.timedelta(days=1)])
async def test_history_stays_in_order_when_the_file_is_ahead_of_the_clock(
    tmp_path: Path, ahead: dt.timedelta
) -> None:
    """A file written while the clock was ahead (a restored snapshot, a clock stepped back):
    a new exchange sorted before the old ones, in the history and out of the chat's window."""
    db = str(tmp_path / "julep.db")
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        session_id = await api.session(await api.agent())
        await api.chat(session_id, "first")
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        for rid, created in conn.execute("SELECT rid, created_at FROM messages").fetchall():
            later = dt.datetime.fromisoformat(created) + ahead
            conn.execute(
                "UPDATE messages SET created_at = ? WHERE rid = ?",
                (later.isoformat(timespec="microseconds"), rid),
            )
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        await api.chat(session_id, "second")
        history = (await api.get(f"/sessions/{session_id}/history")).body["items"]
    said = [m["content"] for m in history if m["role"] == "user"]
    assert said == ["first", "second"]
    stamps = [m["created_at"] for m in history]
    assert stamps == sorted(stamps)


async def test_a_file_ahead_of_the_clock_moves_no_other_servers_clock(tmp_path: Path) -> None:
    """Opening a file whose timestamps are a year ahead moved a process-wide clock: every
    later server of the process, in-memory ones included, stamped its rows a year ahead."""
    db = str(tmp_path / "julep.db")
    async with LocalServer(db=db) as server, aiohttp.ClientSession() as session:
        await Api(session, server.base_url).agent()
    ahead = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=365)).isoformat()
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("UPDATE agents SET created_at = ?, updated_at = ?", (ahead, ahead))
    async with LocalServer(db=db) as ahead_server, LocalServer() as fresh:
        async with aiohttp.ClientSession() as session:
            later = await Api(session, ahead_server.base_url).post("/agents", json={"name": "b"})
            other = await Api(session, fresh.base_url).post("/agents", json={"name": "c"})
    assert later.body["created_at"] > ahead  # the file's own server stays ahead of its rows
    now = dt.datetime.now(dt.timezone.utc)
    assert dt.datetime.fromisoformat(other.body["created_at"]) < now + dt.timedelta(minutes=1)
