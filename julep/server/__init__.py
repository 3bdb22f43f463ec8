"""A local Julep-compatible server (aiohttp + SQLite), so the SDK runs with nothing hosted.

``LocalServer`` embeds it in a program or a test; ``julep.server.cli`` runs
it from the command line; ``julep.server.pytest_plugin`` gives tests a
started server as a fixture.

Where users could tell, it behaves as the Julep 0.3 server did (julep-ai/julep
at the 0.3.9 release, b5c59b2a1): any string is a tool function name; a
session with ``render_templates`` has its texts rendered (``templates``);
``/v1/chat/completions`` and ``/v1/completions`` answer the OpenAI client of
0.3.9's ``julep.Client`` (``routes.openai_gateway``); and deletes never
cascade, each route following that server's route and query
(``agents-api/agents_api/routers/<kind>/routers.py`` and ``models/``)::

    route                             cascade  unknown id              checked
    DELETE /agents/{id}               none     404 Agent not found     the agent exists
    DELETE /users/{id}                none     202 (idempotent)        nothing
    DELETE /sessions/{id}             history  202 (idempotent)        nothing
    DELETE /sessions/{id}/history     -        202 (idempotent)        nothing
    DELETE /agents/{id}/docs/{doc}    -        404 Docs not found      that agent's doc exists
    DELETE /users/{id}/docs/{doc}     -        404 Docs not found      that user's doc exists
    DELETE /agents/{id}/tools/{tool}  -        404 Tool not found      the agent has that tool
    DELETE /agents/{id}/memories/{m}  -        404 Memory not found    the agent has that memory

The owner in a doc, tool or memory path need not exist any more, so what an
agent or user leaves behind can still be deleted. Two rules differ from that
server, where it was plainly broken or unobservable: its memory delete was a
stub that always answered 404 (here it deletes), and its session delete left
the history rows in storage (here no route reaches them once the session is
gone, so they go with it).
"""

from __future__ import annotations

import typing

__all__ = ["LocalServer"]

if typing.TYPE_CHECKING:
    from .local import LocalServer
else:

    def __getattr__(name: str) -> typing.Any:
        # The server (aiohttp.web, SQLite, the routes) is imported on first use, so that
        # loading the pytest plugin, which lives in this package, stays cheap.
        if name == "LocalServer":
            from .local import LocalServer

            return LocalServer
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
