"""The API's 36 operations, in the order of the contract."""

from __future__ import annotations

from . import agents, chat, docs, memories, sessions, tools, users
from ._operation import Operation

OPERATIONS: tuple[Operation, ...] = (
    *agents.OPERATIONS,
    *docs.OPERATIONS,
    *tools.OPERATIONS,
    *users.OPERATIONS,
    *sessions.OPERATIONS,
    *chat.OPERATIONS,
    *memories.OPERATIONS,
)

__all__ = ["OPERATIONS", "Operation"]
