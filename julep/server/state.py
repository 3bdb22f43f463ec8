"""What the handlers share, reachable as ``request.app[STATE]``."""

from __future__ import annotations

import attrs
from aiohttp import web

from .backends import Backend
from .config import ServerConfig
from .db import Database
from .idempotency import IdempotencyStore
from .jobs import MemoryJobs


@attrs.define(kw_only=True)
class AppState:
    config: ServerConfig
    db: Database
    backend: Backend
    jobs: MemoryJobs
    idempotency: IdempotencyStore


STATE = web.AppKey("julep_server_state", AppState)
