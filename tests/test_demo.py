"""`python -m julep demo`, the README's first command, runs the whole flow and exits 0."""

from __future__ import annotations

import subprocess
import sys

import pytest


def test_demo_runs_end_to_end() -> None:
    """It creates, chats, reads history and memories, cleans up, and prints each step."""
    result = subprocess.run(
        [sys.executable, "-m", "julep", "demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for step in (
        "agent created",
        "user created",
        "session created",
        "turn 1",
        "turn 2",
        "history                      4 messages",
        "memory jobs                  2 succeeded",
        "cleaned up",
    ):
        assert step in result.stdout, step
    assert result.stderr == ""


def test_cli_usage() -> None:
    """No command prints the usage and exits 2; an unknown one says so."""
    bare = subprocess.run(
        [sys.executable, "-m", "julep"], capture_output=True, text=True, timeout=60, check=False
    )
    assert bare.returncode == 2 and "demo" in bare.stdout
    wrong = subprocess.run(
        [sys.executable, "-m", "julep", "dance"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert wrong.returncode == 2 and "unknown command 'dance'" in wrong.stderr


def test_an_unreadable_julep_uvloop_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's sync client reads JULEP_UVLOOP; a bad value was a traceback."""
    from julep import demo

    monkeypatch.setenv("JULEP_UVLOOP", "maybe")
    assert demo.main([]) == 2
    captured = capsys.readouterr()
    assert captured.err == "julep demo: JULEP_UVLOOP must be 0 or 1 (or unset), got 'maybe'\n"
    assert captured.out == ""  # nothing started


def test_ctrl_c_is_one_line_and_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl+C in the demo says it was interrupted and exits 130, as bench does: no traceback."""
    from julep import demo

    def interrupted() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(demo, "run_demo", interrupted)
    assert demo.main([]) == 130
    assert capsys.readouterr().err == "\njulep demo: interrupted\n"
