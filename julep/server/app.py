"""The aiohttp application: routes under ``/api``, middlewares, and the
lifecycle of the database, the model backend and the memory-job queue.

Middlewares, outermost first: sending (a large answer the client stops
taking ends the connection), faults (when configured), errors (so every
failure below is a JSON answer), guard (Host and Content-Type), auth (when an
API key is set), bodies (read with the idle timeout), idempotency. Faults sit
outside idempotency so an injected reset happens after the write and its
idempotency record were committed.
"""

from __future__ import annotations

import typing

from aiohttp import web
from aiohttp.typedefs import Middleware

from . import openapi
from .auth import auth_middleware
from .backends import make_backend
from .bodies import body_middleware, expect_handler, send_middleware
from .config import ServerConfig
from .db import Database
from .errors import error_middleware
from .faults import FaultPlan, fault_middleware
from .guard import guard_middleware
from .idempotency import IdempotencyStore, idempotency_middleware
from .jobs import MemoryJobs
from .routes import OPERATIONS, openai_gateway
from .state import STATE, AppState

API_PREFIX = "/api"
OPENAPI_PATH = API_PREFIX + "/openapi.json"


def build_app(config: ServerConfig, faults: FaultPlan | None) -> web.Application:
    db = Database(config.db)
    store = IdempotencyStore(db)
    exempt = frozenset({OPENAPI_PATH})
    middlewares: list[Middleware] = [send_middleware(config.idle_timeout)]
    if faults is not None:
        middlewares.append(fault_middleware(faults, exempt=exempt))
    middlewares += [error_middleware, guard_middleware(config)]
    if config.api_key is not None:
        middlewares.append(auth_middleware(config.api_key, exempt=exempt))
    middlewares += [
        body_middleware(config.idle_timeout, config.max_body_bytes),
        idempotency_middleware(store),
    ]
    app = web.Application(middlewares=middlewares, client_max_size=config.max_body_bytes)
    app[STATE] = AppState(
        config=config, db=db, backend=make_backend(config), jobs=MemoryJobs(db), idempotency=store
    )
    app.cleanup_ctx.append(_lifecycle)
    expect = expect_handler(config.max_body_bytes)
    for operation in OPERATIONS:
        path = API_PREFIX + operation.path
        app.router.add_route(operation.method, path, operation.handler, expect_handler=expect)
        if operation.method == "GET":
            # HTTP servers must answer HEAD where they answer GET (RFC 9110, 9.1), and the
            # 0.3 server did (Starlette adds HEAD to every GET route): a 405 there broke
            # existence checks and monitors. aiohttp sends the headers of GET, no body.
            app.router.add_route("HEAD", path, operation.handler)
    document = openapi.document(
        OPERATIONS, server_url=API_PREFIX, secured=config.api_key is not None
    )

    async def openapi_json(_: web.Request) -> web.Response:
        return web.Response(body=document, content_type="application/json")

    app.router.add_get(OPENAPI_PATH, openapi_json)
    openai_gateway.register(app, expect)  # /v1/..., outside /api, as julep 0.3.9's Client expects
    return app


async def _lifecycle(app: web.Application) -> typing.AsyncIterator[None]:
    state = app[STATE]
    try:
        await state.db.open()
        await state.idempotency.start()
    except BaseException:
        await state.db.close()
        raise
    state.jobs.start()
    try:
        yield
    finally:
        # The database is closed whatever happens to the rest: when the loop ends
        # with the server's stopping cut short (asyncio.run cancels every task, the
        # memory jobs' worker included, then finalizes this generator), awaiting that
        # worker raised CancelledError and left the file open and locked for the life
        # of the process.
        try:
            try:
                await state.jobs.aclose()
            finally:
                try:
                    await state.idempotency.aclose()
                finally:
                    await state.backend.aclose()
        finally:
            await state.db.close()
