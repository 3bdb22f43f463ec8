"""The ``julep`` logger, switched on by ``JULEP_LOG=info|debug``.

Log lines carry the method, path, status, duration, attempt and request id;
never headers, so never the API key.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger("julep")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler JULEP_LOG installs; its class tells it apart from the application's."""


def configure_from_env() -> None:
    """Apply JULEP_LOG; called each time a client is built, so a change between clients counts.

    Unset (or another value) changes nothing, so logging the application set up is left alone.
    """
    level = _LEVELS.get(os.environ.get("JULEP_LOG", "").strip().lower())
    if level is None:
        return
    if not any(isinstance(handler, _EnvHandler) for handler in logger.handlers):
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
