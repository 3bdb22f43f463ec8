"""Running the CPU work of a large request on a worker thread.

A chat of thousands of messages takes a few hundred milliseconds of pure
Python to check, assemble and record; on the event loop that would stall every
other request. On a thread it shares the interpreter in 5 ms slices, so the
loop keeps answering. Small requests stay on the loop: a thread hop costs more
than their work.
"""

from __future__ import annotations

import asyncio
import functools
import typing

T = typing.TypeVar("T")
P = typing.ParamSpec("P")

LARGE_CHAT = 64  # messages, above which a chat's work moves to a thread
# Characters of text, above which the echo model's work moves to a thread: one
# message of 4 MiB took it half a second to split into words, on the loop.
LARGE_TEXT = 64 * 1024


async def run(heavy: bool, fn: typing.Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``fn(*args, **kwargs)``, on a worker thread when ``heavy``."""
    if not heavy:
        return fn(*args, **kwargs)
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(None, functools.partial(fn, *args, **kwargs))
