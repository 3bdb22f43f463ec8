"""Fresh Idempotency-Key values, drawn from the kernel's random bytes in batches.

One ``os.urandom`` call per key cost about a third of a microsecond on every
non-GET call (a system call each); a batch of 64 keys costs about as much as
three single ones. The batch is process state, so a forked child must never
send a key its parent drew: the child starts with an empty batch.
"""

from __future__ import annotations

import os

_KEY_BYTES = 16  # 128 bits, as secrets.token_hex() gives by default
_BATCH = 64

# Keys drawn and not yet handed out. list.pop() and list.extend() are atomic,
# so threads sharing a client never get the same key: each key is popped once.
_drawn: list[str] = []


def fresh_key() -> str:
    """A new random key (32 hex digits), never returned before in this process."""
    try:
        return _drawn.pop()
    except IndexError:
        pass
    # hex() puts a space after every _KEY_BYTES bytes and split() cuts there:
    # the batch is cut in C, with no Python loop over its keys.
    _drawn.extend(os.urandom(_KEY_BYTES * _BATCH).hex(" ", _KEY_BYTES).split())
    return _drawn.pop()


def _forget_after_fork() -> None:
    # The parent may hand out any of these keys later: the child draws its own.
    _drawn.clear()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=_forget_after_fork)
