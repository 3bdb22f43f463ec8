"""A local Julep-compatible server (aiohttp + SQLite), so the SDK runs with nothing hosted.

``LocalServer`` embeds it in a program or a test; ``julep.server.cli`` runs
it from the command line; ``julep.server.pytest_plugin`` gives tests a
started server as a fixture.
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
