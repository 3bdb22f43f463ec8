"""A JulepUser given no base URL stops the test, as Locust's HttpUser does.

Without ``--host``, a ``host`` attribute or ``$JULEP_API_URL`` it fell back on
the SDK's default base URL, the hosted API: a load test pointed at production
by an omission. ``$JULEP_API_URL`` still names the target.
"""

from __future__ import annotations

import os
import textwrap

import pytest

from ..subprocesses import run_python
from .conftest import ROOT, needs_locust

pytestmark = needs_locust

CHILD = textwrap.dedent(
    """
    import locust.env
    from locust.exception import StopTest
    from julep.locust import JulepUser

    class U(JulepUser):
        api_key = "k"

    try:
        print(U(locust.env.Environment(user_classes=[U])).client.base_url)
    except StopTest as stop:
        print("StopTest:", stop)
    """
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (None, "StopTest: You must specify the API's base URL"),
        ("http://127.0.0.1:9/api", "http://127.0.0.1:9/api/"),
    ],
)
def test_no_host_stops_the_test_and_never_means_the_hosted_api(
    url: str | None, expected: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "JULEP_API_URL"}
    if url is not None:
        env["JULEP_API_URL"] = url
    done = run_python(CHILD, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith(expected), done.stdout
    assert "api-alpha.julep.ai" not in done.stdout
