"""Which event loop the SDK starts when it owns the loop.

Where the SDK creates the loop itself (the sync client's event-loop thread,
``python -m julep bench``), it runs uvloop when uvloop can be imported
(``pip install -e '.[speed]'``): the HTTP stack costs less per request there.
``JULEP_UVLOOP=0`` keeps the stock asyncio loop; ``JULEP_UVLOOP=1`` insists on
uvloop. The variable is read each time the SDK starts a loop, so set it
before the first call of a client. Async code runs on the caller's loop and is
never affected.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import os
import typing

from .errors import ConfigurationError

ENV_VAR = "JULEP_UVLOOP"
_OFF = frozenset({"0", "false", "no", "off"})
_ON = frozenset({"1", "true", "yes", "on"})

_T = typing.TypeVar("_T")


@functools.cache
def _uvloop() -> typing.Any:
    """The uvloop module, or None when it is not installed.

    Looked up once per process: an import tried at every loop start held an
    import lock in the thread starting the loop, and a child forked at that
    moment waited on it for ever at its own first call.
    """
    try:
        return importlib.import_module("uvloop")
    except ImportError:
        return None


def use_uvloop() -> bool:
    """Whether a loop the SDK starts now should be uvloop (reads ``JULEP_UVLOOP``)."""
    setting = os.environ.get(ENV_VAR, "").strip().lower()
    if setting in _OFF:
        return False
    if setting and setting not in _ON:
        raise ConfigurationError(f"{ENV_VAR} must be 0 or 1 (or unset), got {setting!r}")
    if _uvloop() is not None:
        return True
    if setting in _ON:
        raise ConfigurationError(
            f"{ENV_VAR}={setting} but uvloop is not installed; pip install -e '.[speed]'"
        )
    return False


def import_in_this_thread() -> None:
    """Import what starting a loop imports, here rather than in the thread that starts it.

    A fork while another thread holds an import lock leaves the child that lock
    held by a thread it does not have: its first call, importing the same
    module to start its own loop, would wait for ever. A client imports these
    when it is made, usually long before any fork. Failures are left for the
    loop's start to report (at interpreter exit, say).
    """
    try:
        importlib.import_module("anyio._backends._asyncio")
        # The codec a socket's connect() imports for a host name given as str,
        # at the first connection, in the loop's thread.
        importlib.import_module("encodings.idna")
        _uvloop()
    except Exception:  # reported when a loop starts
        pass


def portal_options() -> dict[str, typing.Any]:
    """``backend_options`` for anyio's ``start_blocking_portal("asyncio", ...)``."""
    return {"use_uvloop": True} if use_uvloop() else {}


def name() -> str:
    """``"uvloop"`` or ``"asyncio"``: what a loop started now would be, for reports."""
    return "uvloop" if use_uvloop() else "asyncio"


def run(main: typing.Coroutine[typing.Any, typing.Any, _T]) -> _T:
    """``asyncio.run(main)``, on uvloop when :func:`use_uvloop` says so."""
    if use_uvloop():
        result: _T = _uvloop().run(main)
        return result
    return asyncio.run(main)
