"""Which methods of ``AsyncJulepApi`` make up the surface a wrapper must cover, and their kinds.

The list is read from the client class itself, so an operation added to the SDK
is covered by ``julep.locust`` without a change there. This module imports neither
Locust nor gevent, so it can be checked without monkey-patching a process.
"""

from __future__ import annotations

import enum
import inspect

from ._base_client import BaseAsyncClient
from .client import AsyncJulepApi


class Kind(enum.Enum):
    """How a method is driven from a Locust user, and what one measurement covers."""

    CALL = "call"  # a coroutine: one measurement from the call to its result
    ITERATE = "iterate"  # an async iterator over pages: one measurement for the whole walk
    STREAM = "stream"  # streamed chat: the whole stream, and its time to first token


def operations() -> dict[str, Kind]:
    """Every public method of ``AsyncJulepApi`` beyond the client's own plumbing, by name."""
    plumbing = set(dir(BaseAsyncClient))
    found: dict[str, Kind] = {}
    for name in sorted(dir(AsyncJulepApi)):
        if name.startswith("_") or name in plumbing:
            continue
        method = getattr(AsyncJulepApi, name)
        if name == "chat_stream":
            found[name] = Kind.STREAM
        elif inspect.iscoroutinefunction(method):
            found[name] = Kind.CALL
        elif name.startswith("iter_"):
            found[name] = Kind.ITERATE
        else:
            raise TypeError(
                f"AsyncJulepApi.{name} is neither a coroutine nor an iter_* method; "
                "julep.locust does not know how to measure it"
            )
    return found
