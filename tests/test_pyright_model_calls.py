"""pyright (Pylance) types a model built in code as the model, and checks its arguments.

pyright honours a metaclass ``__call__``: the models' (unknown keywords ignored
with a warning) returned ``Any``, so every ``InputChatMlMessage(...)`` was
``Any`` there. It is hidden from type checkers. Skipped without pyright.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import sys
import typing

import pytest

import julep

ROOT = pathlib.Path(julep.__file__).resolve().parent.parent


def _skip(reason: str) -> typing.NoReturn:
    if os.environ.get("JULEP_REQUIRE_PYRIGHT"):  # CI installs it (the typing extra)
        pytest.fail(f"JULEP_REQUIRE_PYRIGHT is set but {reason}")
    pytest.skip(reason)


def _pyright() -> str:
    found = shutil.which("pyright") or os.path.join(os.path.dirname(sys.executable), "pyright")
    if not os.path.exists(found):
        _skip("pyright is not installed (pip install -e '.[typing]')")
    return found


def test_a_model_call_is_typed_as_the_model() -> None:
    folder = ROOT / f"_pyright_check_{os.getpid()}"  # inside the checkout: julep resolves
    folder.mkdir()
    try:
        path = folder / "check.py"
        path.write_text(
            "from julep import AgentDefaultSettings, InputChatMlMessage\n"
            "m = InputChatMlMessage(role='user', content='x')\n"
            "reveal_type(m)\n"
            "reveal_type(AgentDefaultSettings(temperature=0.5))\n"
            "InputChatMlMessage(role='user')\n"
        )
        try:
            done = subprocess.run(
                [_pyright(), "--pythonpath", sys.executable, str(path)],
                check=False,
                capture_output=True,
                text=True,
                timeout=300,
                cwd=ROOT,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:  # its node package could not be had
            _skip(f"pyright did not run: {exc}")
    finally:
        for item in folder.iterdir():
            item.unlink()
        folder.rmdir()
    if "Type of" not in done.stdout:
        _skip(f"pyright did not run: {done.stdout[-300:]} {done.stderr[-300:]}")
    assert 'Type of "m" is "InputChatMlMessage"' in done.stdout, done.stdout
    assert '"AgentDefaultSettings"' in done.stdout, done.stdout
    assert 'Argument missing for parameter "content"' in done.stdout, done.stdout
