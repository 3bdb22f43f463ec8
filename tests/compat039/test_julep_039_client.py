"""julep 0.3.9, in its own virtualenv, cannot tell the local server from the real one."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

import pytest

from julep.server import LocalServer

from ..wire.test_operations import SEED_OPERATIONS

pytestmark = pytest.mark.compat039

DRIVER = pathlib.Path(__file__).with_name("drive_039.py")


def _python_039() -> str:
    python = os.environ.get("JULEP039_PYTHON")
    if python:
        return python
    if os.environ.get("JULEP_REQUIRE_039"):
        pytest.fail("JULEP_REQUIRE_039 is set but JULEP039_PYTHON is not")
    pytest.skip(
        "set JULEP039_PYTHON to the python of a virtualenv with "
        "`pip install julep==0.3.9 'marshmallow<4' beartype==0.18.5` (CI does)"
    )


def test_julep_039_passes_every_operation_and_wrapper_flow() -> None:
    """All 36 JulepApi methods and the julep.Client flows of 0.3.9 succeed against the server."""
    python = _python_039()
    with LocalServer(api_key="compat-key") as server:
        result = subprocess.run(
            [python, str(DRIVER), server.base_url, "compat-key"],
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            # Only what the driver needs: no JULEP_* leaks in, nothing reaches out.
            env={
                "PATH": os.environ.get("PATH", ""),
                "JULEP_API_KEY": "compat-key",
                "JULEP_API_URL": server.base_url,
                "NO_PROXY": "*",
            },
        )
    assert result.returncode == 0, result.stderr[-3000:]
    steps = json.loads(result.stdout.strip().splitlines()[-1])
    failures = {name: outcome for name, outcome in steps.items() if outcome != "ok"}
    raw = {name for name in steps if not name.startswith("wrapper.")}
    print(
        f"\njulep 0.3.9: {len(raw) - len(failures.keys() & raw)}/36 operations passed; "
        f"{sum(1 for n in steps if n.startswith('wrapper.'))} wrapper steps"
    )
    assert raw == SEED_OPERATIONS
    assert failures == {}
