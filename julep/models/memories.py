"""Memories an agent forms from conversations."""

from __future__ import annotations

import datetime as dt
import typing

import attrs

from .._types import OMIT
from ._base import FreeformObject, Model, ResponseModel


class MemoryEntitiesItem(FreeformObject):
    __slots__ = ()


@attrs.frozen(kw_only=True)
class Memory(ResponseModel):
    id: str
    agent_id: str
    user_id: str
    content: str
    created_at: dt.datetime
    entities: list[dict[str, typing.Any]]
    last_accessed_at: dt.datetime | None = None
    timestamp: dt.datetime | None = None
    sentiment: float | None = None


@attrs.frozen(kw_only=True)
class GetAgentMemoriesResponse(ResponseModel):
    items: list[Memory] | None = None


@attrs.frozen(kw_only=True)
class MemoryAccessOptions(Model):
    recall: bool | None = OMIT
    record: bool | None = OMIT
    remember: bool | None = OMIT
