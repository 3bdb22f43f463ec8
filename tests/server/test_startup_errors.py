"""``julep serve``'s bad options end it with one clear line; a malformed request logs one."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from julep.server import LocalServer
from julep.server.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _serve(*argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m julep serve argv`` run to its end (it must stop by itself)."""
    return subprocess.run(
        [sys.executable, "-m", "julep", "serve", "--port", "0", *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


@pytest.mark.parametrize("content", ["one\ntwo\n", "key\n\n", "\nkey\n", "a\r\nb"])
def test_a_key_file_of_more_than_one_line_is_refused(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key file must hold one line: more lines stop the server before it starts, with code 2."""
    key_file = tmp_path / "key"
    key_file.write_text(content)
    assert main(["--api-key-file", str(key_file)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"julep serve: --api-key-file: {key_file} holds ")
    assert "it must hold only the key, on one line" in error
    assert "one" not in error.replace("one line", "") and "two" not in error  # no key text


@pytest.mark.parametrize("content", ["", "\n", "  \n"])
def test_an_empty_key_file_is_refused(
    tmp_path: Path, content: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An empty key file, or one blank line, is refused with code 2."""
    key_file = tmp_path / "key"
    key_file.write_text(content)
    assert main(["--api-key-file", str(key_file)]) == 2
    assert capsys.readouterr().err == f"julep serve: --api-key-file: {key_file} is empty\n"


@pytest.mark.parametrize(
    ("where", "why"),
    [("missing/julep.db", "no such directory: "), (".", "is a directory")],
)
def test_a_db_path_that_cannot_be_a_file_is_one_line(
    tmp_path: Path, where: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A --db in a missing directory, or naming a directory, is refused before starting."""
    path = tmp_path / where
    assert main(["--port", "0", "--db", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"julep serve: --db {path}: {why}")
    assert error.count("\n") == 1


def test_a_db_file_that_is_not_sqlite_is_one_line(tmp_path: Path) -> None:
    """A --db file that SQLite cannot read ends the server with one line and code 2."""
    path = tmp_path / "notes.txt"
    path.write_text("these are not the tables you are looking for\n" * 100)
    done = _serve("--db", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"julep serve: --db {path}: file is not a database\n"
    assert done.stdout == ""


@pytest.mark.anyio
async def test_a_malformed_header_is_logged_in_one_line_without_its_value(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A newline inside Authorization is logged as one line naming the error, not the value."""
    secret = "sekret-key-value"
    caplog.set_level(logging.DEBUG)
    async with LocalServer(api_key="k") as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(
                b"GET /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                b"Authorization: Bearer " + secret.encode() + b"\nb\r\n\r\n"
            )
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), timeout=5)
        finally:
            writer.close()
            await writer.wait_closed()
    assert answer.startswith(b"HTTP/1.") and b" 400 " in answer.split(b"\r\n", 1)[0]
    records = [r for r in caplog.records if r.name == "aiohttp.server"]
    assert [r.getMessage() for r in records] == [
        "Error handling request from 127.0.0.1: malformed HTTP request refused"
        " (BadHttpMessage, status 400)"
    ]
    assert all(r.exc_info is None for r in records)
    assert secret not in caplog.text


@pytest.mark.parametrize("option", ["--max-body-mb", "--idle-timeout"])
@pytest.mark.parametrize("value", ["inf", "nan", "-1", "0", "lots"])
def test_a_number_option_must_be_finite_and_positive(
    option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--max-body-mb inf`` ended in an OverflowError traceback (exit 1), ``nan`` in a line
    that did not name the option: each is now argparse's usage error, code 2."""
    with pytest.raises(SystemExit) as stopped:
        main([option, value])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}: " in err and value in err and "Traceback" not in err


@pytest.mark.anyio
async def test_a_start_cancelled_while_the_database_opens_lets_go_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancelling astart() (a timeout around it) while the database opens on its thread:
    the open finished after the cleanup had looked for a connection to close, and the
    process kept the file's lock, so every later server on it was DatabaseInUse."""
    from julep.server import db

    opened = db.Database._open
    release = threading.Event()

    def slow_open(self: db.Database) -> None:
        release.wait(10)  # a slow disk, until the start has been cancelled
        opened(self)

    monkeypatch.setattr(db.Database, "_open", slow_open)
    path = str(tmp_path / "julep.db")
    starting = asyncio.ensure_future(LocalServer(db=path).astart())
    await asyncio.sleep(0.05)
    starting.cancel()
    asyncio.get_running_loop().call_later(0.05, release.set)
    with pytest.raises(asyncio.CancelledError):
        await starting
    monkeypatch.setattr(db.Database, "_open", opened)
    async with LocalServer(db=path) as server:
        assert server.count("agents") == 0


async def _let_go(path: str, *, seconds: float = 2) -> None:
    """A server starts on ``path`` within ``seconds``: the file's lock was let go."""
    from julep.server import db

    for _ in range(int(seconds / 0.05)):
        try:
            async with LocalServer(db=path) as server:
                assert server.count("agents") == 0
                return
        except db.DatabaseInUse:
            await asyncio.sleep(0.05)
    pytest.fail("the database file stayed locked")


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_a_cancel_scope_around_a_start_while_the_database_opens_lets_go_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An anyio cancel scope cancels every await inside it again, the cleanup's wait for
    the close too: that cancelled the close itself, queued behind the open, and the
    process kept the file's lock."""
    import anyio

    from julep.server import db

    opened = db.Database._open

    def slow_open(self: db.Database) -> None:
        opened(self)
        time.sleep(0.3)  # a slow disk (the file locked): the scope's deadline comes first

    monkeypatch.setattr(db.Database, "_open", slow_open)
    path = str(tmp_path / "julep.db")
    with anyio.move_on_after(0.1):
        await LocalServer(db=path).astart()
    monkeypatch.setattr(db.Database, "_open", opened)
    await _let_go(path)


@pytest.mark.parametrize("anyio_backend", ["asyncio"])
@pytest.mark.anyio
async def test_a_cancel_scope_around_a_start_while_it_binds_lets_go_of_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cut short after its app started, astart() cleans up the runner: shielded, since
    the cancel scope cancelled that cleanup at its first await too."""
    import anyio
    from aiohttp import web

    started = web.TCPSite.start

    async def slow_start(self: web.TCPSite) -> None:
        await asyncio.sleep(0.3)  # a slow bind: the scope's deadline comes first
        await started(self)

    monkeypatch.setattr(web.TCPSite, "start", slow_start)
    path = str(tmp_path / "julep.db")
    with anyio.move_on_after(0.1):
        await LocalServer(db=path).astart()
    monkeypatch.setattr(web.TCPSite, "start", started)
    await _let_go(path)


@pytest.mark.anyio
async def test_an_astop_cut_short_still_lets_go_of_the_file(tmp_path: Path) -> None:
    """A timeout around astop() while a request finishes: the stopping was cancelled with
    it, leaving the database open and its file locked for the life of the process."""
    path = str(tmp_path / "julep.db")
    await _astop_cut_short(path)
    # The stopping goes on: the request ends, then the database closes.
    await _let_go(path, seconds=10)


async def _astop_cut_short(path: str) -> None:
    """A server on ``path`` whose astop() is cut short while a request (delayed 0.5 s) runs."""
    server = await LocalServer(db=path, faults="delay=1:500ms").astart()
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    await asyncio.sleep(0.1)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(server.astop(), 0.05)
    writer.close()


def test_a_loop_ending_while_its_server_stops_lets_go_of_the_file(tmp_path: Path) -> None:
    """An astop() cut short, then the loop ends (asyncio.run, a test's own loop): asyncio.run
    cancels every task left, the memory jobs' worker too, and awaiting it in the app's
    cleanup raised CancelledError before the database closed: the file stayed locked for
    the life of the process."""
    from julep.server import db

    path = str(tmp_path / "julep.db")

    async def again() -> None:
        async with LocalServer(db=path) as server:
            assert server.count("agents") == 0

    asyncio.run(_astop_cut_short(path))
    try:
        asyncio.run(again())
    except db.DatabaseInUse:
        pytest.fail("the database file stayed locked")
