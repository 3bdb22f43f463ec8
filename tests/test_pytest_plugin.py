"""The pytest plugin loads by itself in a user's project, cheaply, and its fixtures work."""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import typing

import pytest

from .test_readme import BLOCKS

if typing.TYPE_CHECKING:
    from julep.client import AsyncJulepApi, JulepApi
    from julep.server import LocalServer

HEAVY = ("aiohttp", "anyio", "attrs", "cattrs", "julep.client", "julep.server.local", "sqlite3")


def _run_pytest(directory: pathlib.Path) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("JULEP_")}
    env.pop("PYTHONPATH", None)  # the installed package, as in a user's project
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error"],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_readme_test_passes_in_a_project_without_conftest(tmp_path: pathlib.Path) -> None:
    """README's example test file and a test of every fixture, alone in a fresh directory
    (no conftest, no -p), find the fixtures and pass."""
    (source,) = [block.source for block in BLOCKS if block.section == "Testing your code"]
    (tmp_path / "test_my_agents.py").write_text(source + "\n")
    (tmp_path / "test_fixtures.py").write_text(
        "import pytest\n\n"
        "def test_sync(julep_server, julep_server_url, julep_client):\n"
        "    assert julep_server_url == julep_server.base_url\n"
        "    assert julep_client.base_url.rstrip('/') == julep_server_url\n"
        "    julep_client.create_user(name='Ada')\n"
        "    assert julep_server.count('users') == 1\n\n"
        "@pytest.mark.anyio\n"
        "async def test_async(julep_server, async_julep_client):\n"
        "    await async_julep_client.create_user(name='Ada')\n"
        "    assert julep_server.count('users') == 1\n"
    )
    result = _run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 passed" in result.stdout


def test_loading_the_plugin_imports_no_server() -> None:
    """pytest loading the plugin imports neither the SDK's dependencies nor the server."""
    probe = (
        "import sys, julep.server.pytest_plugin\n"
        f"print(','.join(name for name in {HEAVY!r} if name in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == ""


def test_the_lazy_package_exports_what_it_always_did() -> None:
    """``from julep import *`` still gives the clients, every error, model and enum."""
    probe = (
        "import julep, julep.errors, julep.models\n"
        "names = {}\n"
        "exec('from julep import *', names)\n"
        "expected = {'JulepApi', 'AsyncJulepApi', 'Timeout', 'RetryPolicy', 'OMIT', 'errors'}\n"
        "errors = [n for n in julep.errors.__all__ if n[0].isupper()]\n"
        "expected |= set(errors) | set(julep.models.__all__)\n"
        "print(sorted(expected - set(names)))\n"
        "print(julep.Agent is julep.models.Agent, julep.JulepError is julep.errors.JulepError)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines() == ["[]", "True True"]


@pytest.fixture
def proxy_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy for every URL, as on a corporate laptop, with nothing listening at it."""
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)


def test_julep_client_reaches_the_server_directly_whatever_the_proxy_variables(
    proxy_in_the_environment: None, julep_server: LocalServer, julep_client: JulepApi
) -> None:
    """The fixture's server is on this machine: its client never goes through the
    environment's proxy (it did, and every test using the fixture failed)."""
    julep_client.create_user(name="Ada")
    assert julep_server.count("users") == 1


@pytest.mark.anyio
async def test_async_julep_client_reaches_the_server_directly_whatever_the_proxy_variables(
    proxy_in_the_environment: None, julep_server: LocalServer, async_julep_client: AsyncJulepApi
) -> None:
    await async_julep_client.create_user(name="Ada")
    assert julep_server.count("users") == 1


def test_the_readme_test_passes_where_trio_is_installed(tmp_path: pathlib.Path) -> None:
    """With trio installed, anyio also runs README's anyio test on trio: that run is
    skipped with the reason, instead of failing on asyncio's "no running event loop"."""
    pytest.importorskip("trio")
    (source,) = [block.source for block in BLOCKS if block.section == "Testing your code"]
    (tmp_path / "test_my_agents.py").write_text(source + "\n")
    result = _run_pytest(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed, 1 skipped" in result.stdout, result.stdout


def test_async_client_without_an_asyncio_loop_says_so() -> None:
    """A call of AsyncJulepApi where no asyncio loop runs (as under trio) raises a
    JulepError naming the cause, not asyncio's bare RuntimeError."""
    from julep import AsyncJulepApi, JulepError

    client = AsyncJulepApi(api_key="any", base_url="http://127.0.0.1:9/api")
    for call in (client.list_agents(), client.wait_for_job("job", timeout=1)):
        with pytest.raises(JulepError, match=r"asyncio event loop.*trio is not supported"):
            call.send(None)  # driven by hand, as a loop other than asyncio's would
        call.close()


def test_a_stream_without_an_asyncio_loop_says_so() -> None:
    """chat_stream (README's streaming example) and chat(stream=True) where no asyncio
    loop runs: the JulepError too, not asyncio.timeout's bare RuntimeError."""
    from julep import AsyncJulepApi, JulepError

    client = AsyncJulepApi(api_key="any", base_url="http://127.0.0.1:9/api")
    messages = [{"role": "user", "content": "hi"}]
    stream = client.chat_stream("s", messages=messages)
    for call in (stream.__anext__(), client.chat("s", messages=messages, stream=True)):
        with pytest.raises(JulepError, match=r"asyncio event loop.*trio is not supported"):
            call.send(None)  # driven by hand, as a loop other than asyncio's would
        call.close()
