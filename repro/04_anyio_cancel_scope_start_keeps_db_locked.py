"""An anyio cancel scope (anyio.move_on_after / fail_after, a TaskGroup cancelled, the
cancellation of an anyio-marked test) around LocalServer.astart() while the database
opens (a slow disk, a large file) or while it binds: the file stays locked for the life
of the process, every later server on it DatabaseInUse naming this very pid.
2bc650b claims this case fixed ("a timeout around astart(), a cancel scope, ..."), but
a cancel scope cancels every await inside it again: the cleanup's await of the queued
close, which cancelled the close itself (run_in_executor's future cancels its queued
work), and astart()'s own runner.cleanup() at its first await. The slow stages are
made slow on purpose below."""
import asyncio
import logging
import os
import sys
import tempfile
import time

import anyio
from aiohttp import web

from julep.server import db
from julep.server.local import LocalServer

logging.disable(logging.CRITICAL)
opened, bound = db.Database._open, web.TCPSite.start


def slow_open(self: db.Database) -> None:
    opened(self)
    time.sleep(0.3)  # the file is locked; the rest of the open is slow


async def slow_bind(self: web.TCPSite) -> None:
    await asyncio.sleep(0.3)
    await bound(self)


async def case(name: str) -> bool:
    path = os.path.join(tempfile.mkdtemp(), "x.db")
    with anyio.move_on_after(0.1):
        await LocalServer(db=path).astart()
    db.Database._open, web.TCPSite.start = opened, bound
    for _ in range(40):
        try:
            async with LocalServer(db=path):
                print(f"ok: {name}")
                return True
        except db.DatabaseInUse:
            await asyncio.sleep(0.05)
    print(f"BUG: {name}: the file is still locked 2 s later")
    return False


async def main() -> None:
    db.Database._open = slow_open  # type: ignore[method-assign]
    first = await case("cancel scope while the database opens")
    web.TCPSite.start = slow_bind  # type: ignore[method-assign]
    second = await case("cancel scope while the site binds")
    sys.exit(0 if first and second else 1)


anyio.run(main)
