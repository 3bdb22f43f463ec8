"""Fixtures of the bench tests: a local server in a thread, and a run that returns its JSON."""

from __future__ import annotations

import json
import pathlib
import typing

import pytest

from julep.bench.cli import main
from julep.server import LocalServer

API_KEY = "sk-bench-test-key"


@pytest.fixture(scope="module")
def server() -> typing.Iterator[LocalServer]:
    with LocalServer(api_key=API_KEY) as running:
        yield running


class Bench(typing.Protocol):
    def __call__(
        self, *args: str, base_url: str | None = None, exit_code: int = 0
    ) -> dict[str, typing.Any]: ...


@pytest.fixture
def bench(server: LocalServer, tmp_path: pathlib.Path) -> Bench:
    """Run ``julep bench`` against ``base_url`` (default: the module's server); the JSON result."""

    def run(*args: str, base_url: str | None = None, exit_code: int = 0) -> dict[str, typing.Any]:
        out = tmp_path / "result.json"
        argv = ["--base-url", base_url or server.base_url, "--api-key", API_KEY]
        code = main([*argv, "--quiet", "--json", str(out), *args])
        assert code == exit_code
        result: dict[str, typing.Any] = json.loads(out.read_text())
        return result

    return run
