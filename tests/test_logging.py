"""JULEP_LOG turns on one line per request; the API key appears nowhere, at any level."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import julep

from .loopback import LoopbackServer

SECRET = "sk-live-DO-NOT-LEAK-1234567890"


def test_debug_log_lines_never_contain_the_key() -> None:
    """With JULEP_LOG=debug, requests, retries, errors and reprs are logged without the key."""
    with LoopbackServer() as server:
        script = textwrap.dedent(
            f"""
            import julep
            client = julep.JulepApi(api_key={SECRET!r}, base_url={server.base_url!r})
            print(repr(client), str(client))
            client.get_agent("one")
            try:
                client.with_options(max_retries=1).list_agents()  # the server has no such route
            except julep.NotFoundError as error:
                print(repr(error), str(error))
            client.close()
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={"JULEP_LOG": "debug", "PATH": "/usr/bin:/bin"},
        )
    output = result.stdout + result.stderr
    assert SECRET not in output
    assert SECRET[-10:] not in output
    lines = [line for line in result.stderr.splitlines() if " julep " in line]
    assert any(
        "GET" in line and "/agents/one -> 200 in" in line and "attempt 1" in line for line in lines
    )
    assert any("/agents -> 404" in line for line in lines)


def test_public_exports_are_importable() -> None:
    """Every name in julep.__all__ exists."""
    missing = [name for name in julep.__all__ if not hasattr(julep, name)]
    assert missing == []
