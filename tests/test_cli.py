"""``python -m julep``: --version, and every command answers --help and refuses unknown flags."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

import julep
from julep import __main__ as cli


def _julep(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "julep", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_version() -> None:
    """--version prints the package version and exits 0."""
    result = _julep("--version")
    assert (result.returncode, result.stdout) == (0, f"julep {julep.__version__}\n")


@pytest.mark.parametrize("command", ["demo", "serve", "bench"])
def test_help_describes_the_command_and_runs_nothing(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--help prints the command's usage and exits 0 without starting anything."""
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: python -m julep {command}")
    assert "local server at" not in out  # the demo did not run


@pytest.mark.parametrize("command", ["demo", "serve", "bench"])
def test_an_unknown_flag_is_a_usage_error(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown option exits 2 naming it, before anything starts."""
    with pytest.raises(SystemExit) as exited:
        cli.main([command, "--no-such-flag"])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert "unrecognized arguments: --no-such-flag" in captured.err
    assert captured.out == ""


def test_serve_prints_one_banner() -> None:
    """serve says once where it listens; the key given is never printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "julep", "serve", "--port", "0", "--api-key", "sk-banner-secret"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert re.fullmatch(
            r"Julep local server: http://127\.0\.0\.1:\d+/api \(Ctrl\+C to stop\)\n", banner
        )
    finally:
        process.terminate()
        rest, errors = process.communicate(timeout=30)
    output = banner + rest + errors
    assert output.count("127.0.0.1") == 1
    assert "sk-banner-secret" not in output


@pytest.mark.parametrize(
    "option",
    [
        "--max-body-mb=inf",
        "--max-body-mb=-inf",
        "--max-body-mb=nan",
        "--max-body-mb=lots",
        "--max-body-mb=0",
        "--idle-timeout=0",
        "--idle-timeout=nan",
        "--idle-timeout=-1",
    ],
)
def test_serve_numbers_out_of_range_are_usage_errors_naming_the_option(
    option: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """--max-body-mb inf was an OverflowError traceback; nan, 0 and a bad --idle-timeout
    were messages naming the Python parameter (max_body_bytes, in bytes) not the option."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["serve", "--port", "0", option])
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert f"argument {option.partition('=')[0]}:" in captured.err
    assert "max_body_bytes" not in captured.err and "idle_timeout" not in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_version_with_more_arguments_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """`--version --frob` printed the version and exited 0."""
    assert cli.main(["--version", "--frob"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "unexpected arguments after --version: --frob" in captured.err


def test_serve_refuses_an_empty_db_path(capsys: pytest.CaptureFixture[str]) -> None:
    """`--db ""` (an unset variable) silently kept the data in a SQLite temp file."""
    assert cli.main(["serve", "--port", "0", "--db", ""]) == 2
    assert "--db : is empty; leave --db out" in capsys.readouterr().err


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    """``python -m julep demo | head -1``: the rest of the output has nowhere to go; the
    command ends with the shell's code for SIGPIPE, not a BrokenPipeError traceback."""
    command = subprocess.Popen(
        [sys.executable, "-m", "julep", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert command.stdout is not None and command.stderr is not None
    command.stdout.readline()
    command.stdout.close()  # as head does after its first line
    try:
        code = command.wait(timeout=60)
    finally:
        command.kill()
    errors = command.stderr.read()
    command.stderr.close()
    assert "Traceback" not in errors and "BrokenPipeError" not in errors, errors
    assert code in (0, cli.EXIT_BROKEN_PIPE)
