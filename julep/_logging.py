"""The ``julep`` logger, switched on by ``JULEP_LOG=info|debug`` (or a true value: info).

Log lines carry the method, path, status, duration, attempt and request id;
never headers, so never the API key.
"""

from __future__ import annotations

import logging
import os
import warnings

logger = logging.getLogger("julep")

# "1", "true", "yes", "on": what a switch in the environment is usually set to.
_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    **dict.fromkeys(("1", "true", "yes", "on"), logging.INFO),
}
_OFF = frozenset({"", "0", "false", "no", "off"})
# Values warned about already: a client built in a loop warns once, not each time.
_warned: set[str] = set()


class _EnvHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler JULEP_LOG installs; its class tells it apart from the application's."""


def configure_from_env() -> None:
    """Apply JULEP_LOG; called each time a client is built, so a change between clients counts.

    Unset or off changes nothing, so logging the application set up is left alone;
    a value it does not know is warned about once (a typo would silently log nothing).
    """
    setting = os.environ.get("JULEP_LOG", "").strip().lower()
    level = _LEVELS.get(setting)
    if level is None:
        if setting not in _OFF and setting not in _warned:
            _warned.add(setting)
            warnings.warn(
                f"JULEP_LOG={setting!r} is not a level; use 'info' or 'debug' (logging stays off)",
                RuntimeWarning,
                stacklevel=2,
            )
        return
    if not any(isinstance(handler, _EnvHandler) for handler in logger.handlers):
        handler = _EnvHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(level)
