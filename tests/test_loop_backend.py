"""Where the SDK owns the event loop it runs uvloop when installed, unless JULEP_UVLOOP=0."""

from __future__ import annotations

import asyncio
import typing

import pytest

from julep import _loop_backend
from julep.client import JulepApi
from julep.errors import ConfigurationError

from .conftest import API_KEY
from .loopback import LoopbackServer

uvloop = pytest.importorskip("uvloop", reason="pip install -e '.[speed]' for the uvloop tests")


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def _sync_client_loop(monkeypatch: pytest.MonkeyPatch, setting: str | None) -> str:
    if setting is None:
        monkeypatch.delenv(_loop_backend.ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(_loop_backend.ENV_VAR, setting)
    with LoopbackServer() as server, JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        assert client.get_agent("a1").id == "a1"
        return client._portal.call(_loop_module())


@pytest.mark.parametrize("setting", [None, "1", "yes"])
def test_sync_client_runs_on_uvloop_by_default(
    monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    """With uvloop installed the sync client's loop is uvloop, and requests work on it."""
    assert _sync_client_loop(monkeypatch, setting).startswith("uvloop")


@pytest.mark.parametrize("setting", ["0", "false", "OFF"])
def test_opt_out_keeps_stock_asyncio(monkeypatch: pytest.MonkeyPatch, setting: str) -> None:
    """JULEP_UVLOOP=0 (or false/off) gives the sync client the stock asyncio loop."""
    assert _sync_client_loop(monkeypatch, setting).startswith("asyncio")


def test_bad_setting_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """An unreadable JULEP_UVLOOP value is an error naming the variable and the value."""
    monkeypatch.setenv(_loop_backend.ENV_VAR, "maybe")
    # A ConfigurationError: a JulepError, as everything the SDK raises, and a ValueError.
    with pytest.raises(ConfigurationError, match=r"JULEP_UVLOOP must be 0 or 1 .*'maybe'"):
        _loop_backend.use_uvloop()


def test_insisting_without_uvloop_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    """JULEP_UVLOOP=1 without uvloop installed asks for the speed extra."""
    monkeypatch.setenv(_loop_backend.ENV_VAR, "1")
    monkeypatch.setattr(_loop_backend, "_uvloop", lambda: None)
    with pytest.raises(ConfigurationError, match=r"\.\[speed\]"):
        _loop_backend.use_uvloop()


def test_missing_uvloop_falls_back_quietly(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without uvloop and without a setting, the stock loop is used."""
    monkeypatch.delenv(_loop_backend.ENV_VAR, raising=False)
    monkeypatch.setattr(_loop_backend, "_uvloop", lambda: None)
    assert _loop_backend.portal_options() == {}
    assert _loop_backend.name() == "asyncio"


@pytest.mark.parametrize(("setting", "expected"), [("1", "uvloop"), ("0", "asyncio")])
def test_run_uses_the_chosen_loop(
    monkeypatch: pytest.MonkeyPatch, setting: str, expected: str
) -> None:
    """The bench tool's runner starts the loop the setting asks for."""
    monkeypatch.setenv(_loop_backend.ENV_VAR, setting)
    module: typing.Any = _loop_backend.run(_loop_module())
    assert module.startswith(expected)
