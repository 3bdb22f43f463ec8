"""The ``julep`` logger, switched on by ``JULEP_LOG=info|debug``.

Log lines carry the method, path, status, duration, attempt and request id;
never headers, so never the API key.
"""

from __future__ import annotations

import functools
import logging
import os

logger = logging.getLogger("julep")

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO}


@functools.cache
def configure_from_env() -> None:
    """Apply JULEP_LOG once per process, when the first client is built."""
    level = _LEVELS.get(os.environ.get("JULEP_LOG", "").strip().lower())
    if level is None:
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level)
