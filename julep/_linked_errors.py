"""Walking an error's links: what it was raised from or during, and a group's members."""

from __future__ import annotations

import typing


def linked_errors(error: BaseException, limit: int = 256) -> typing.Iterator[BaseException]:
    """``error``, then each error linked to it, once each and at most ``limit`` in all.

    Links are ``__cause__``, ``__context__`` and the members of exception groups
    (cattrs reports each bad field as one). A caller may change an error's
    message as it goes: the links are read after the error is handed over.
    """
    seen: set[int] = set()
    pending = [error]
    while pending and len(seen) < limit:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        members = getattr(current, "exceptions", ())
        pending.extend(
            linked
            for linked in (current.__cause__, current.__context__, *members)
            if isinstance(linked, BaseException)
        )
