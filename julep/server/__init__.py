"""A local Julep-compatible server (aiohttp + SQLite), so the SDK runs with nothing hosted.

``LocalServer`` embeds it in a program or a test; ``julep.server.cli`` runs
it from the command line; ``julep.server.pytest_plugin`` gives tests a
started server as a fixture.
"""

from __future__ import annotations

from .local import LocalServer

__all__ = ["LocalServer"]
