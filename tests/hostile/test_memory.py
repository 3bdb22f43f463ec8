"""Each hostile case in a fresh process: the right julep error, and peak memory near the caps.

CI uses small caps (8 MiB responses, 4 MiB events) so the gigabyte cases stay
cheap; ``python -m tests.hostile.table`` runs the same rows at full size with
the default caps.
"""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import typing

import pytest

from julep.server.local import LocalServer

from .server import MIB, HostileServer

CHILD = pathlib.Path(__file__).with_name("child.py")
SMALL_CAPS = ["--max-response-bytes", str(8 * MIB), "--max-event-bytes", str(4 * MIB)]


class Row(typing.NamedTuple):
    case: str
    error: str | None  # the exception's qualified name; None: the call succeeds
    growth_mib: float  # the most peak RSS may grow past the process's size before the call
    args: tuple[str, ...] = tuple(SMALL_CAPS)


ROWS = [
    Row("body-1073741824", "julep.errors.ResponseTooLargeError", 48),
    Row("gzip-1073741824", "julep.errors.ResponseTooLargeError", 48),
    Row("gzip-10737418240", "julep.errors.ResponseTooLargeError", 48),
    Row("sse_endless", "julep.errors.StreamError", 64),
    Row("sse_noblank", "julep.errors.StreamError", 48),
    Row("sse_longline", "julep.errors.StreamError", 48),
    Row("sse_utf8", "julep.errors.StreamError", 16),
    Row("retry-0", "julep.errors.RateLimitError", 16),
    Row("retry-1", "julep.errors.RateLimitError", 16),
    # Within the default 100 MiB cap: the whole body is kept, the message is short.
    Row("error-20000000", "julep.errors.InternalServerError", 100, ()),
    Row("echo-1000000", None, 64, ()),
]


def run_child(base_url: str, case: str, *args: str, timeout: float = 120) -> dict[str, typing.Any]:
    """Run one case in a fresh interpreter; its report (the last line it prints)."""
    result = subprocess.run(
        [sys.executable, str(CHILD), base_url, case, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    report: dict[str, typing.Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return report


@pytest.fixture(scope="module")
def servers() -> typing.Iterator[tuple[HostileServer, LocalServer]]:
    """The hostile server, and the local Julep server for the legitimate long reply."""
    with HostileServer() as hostile, LocalServer() as local:
        yield hostile, local


def _run(
    servers: tuple[HostileServer, LocalServer], row: Row, *extra: str
) -> dict[str, typing.Any]:
    hostile, local = servers
    base_url = local.base_url if row.case.startswith("echo-") else hostile.base_url
    report = run_child(base_url, row.case, *row.args, *extra)
    assert report["error"] == row.error, report
    growth = report["peak_mib"] - report["baseline_mib"]
    assert growth < row.growth_mib, report
    return report


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.case)
def test_async_client_in_a_fresh_process(
    servers: tuple[HostileServer, LocalServer], row: Row
) -> None:
    """AsyncJulepApi ends each case with the expected outcome and bounded peak memory."""
    report = _run(servers, row)
    if row.case == "error-20000000":
        assert report["body_chars"] == 20_000_000
        assert report["message_chars"] < 4096
    if row.case == "retry-0":
        assert report["retry_after"] == 1e20
    if row.case.startswith("sse_"):
        assert report["partial_text_chars"] > 0
    if row.case.startswith("echo-"):
        assert report["reply_chars"] >= 1_000_000


@pytest.mark.parametrize(
    "row",
    [row for row in ROWS if row.case in ("gzip-1073741824", "sse_endless", "echo-1000000")],
    ids=lambda row: row.case,
)
def test_sync_client_in_a_fresh_process(
    servers: tuple[HostileServer, LocalServer], row: Row
) -> None:
    """JulepApi: the heaviest cases stay as bounded as on the async client."""
    _run(servers, row, "--sync")
