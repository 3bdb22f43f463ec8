"""``JulepLocustClient`` against ``julep serve``, driven in a child process (Locust patches it)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys
import typing

import pytest

from julep._surface import operations

from .conftest import ROOT, needs_locust, serve

pytestmark = needs_locust


DRIVER = pathlib.Path(__file__).with_name("drive_client.py")
RUN_TIMEOUT = 90

# The HTTP method each operation must be reported with, from its name alone.
_PREFIX_METHODS = {
    "create": "POST",
    "chat": "POST",
    "update": "PUT",
    "patch": "PATCH",
    "delete": "DELETE",
}


def _expected_method(name: str) -> str:
    return _PREFIX_METHODS.get(name.split("_", maxsplit=1)[0], "GET")


def _drive(*args: str) -> list[dict[str, typing.Any]]:
    done = subprocess.run(
        [sys.executable, str(DRIVER), *args],
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_every_method_fires_one_typed_request_event(server_url: str) -> None:
    """Each method reports its operation name, HTTP method, time and bytes; a 404 its class."""
    events = _drive("every-operation", server_url)
    names = {event["name"] for event in events}
    assert names == set(operations()) | {"chat_stream:ttft"}
    for event in events[:-1]:
        assert event["exception"] is None, event
        assert event["request_type"] == _expected_method(event["name"].split(":")[0]), event
        assert event["response_time"] > 0
        assert event["response_length"] > 0 or event["name"].endswith(":ttft")
    streams = [event for event in events if event["name"] == "chat_stream"]
    first_tokens = [event for event in events if event["name"] == "chat_stream:ttft"]
    assert len(streams) == len(first_tokens) == 2
    for whole, first in zip(streams, first_tokens, strict=True):
        assert first["response_time"] <= whole["response_time"]
    missing = events[-1]
    assert (missing["name"], missing["request_type"]) == ("get_agent", "GET")
    # The class is kept; the message names the kind only, so Locust groups failures.
    assert (missing["exception"], missing["error_text"]) == ("NotFoundError", "status 404")


@pytest.fixture(scope="module")
def slow_url() -> typing.Iterator[str]:
    """A server that holds every request for one second."""
    with serve("--faults", "delay=1.0:1000ms") as url:
        yield url


def test_many_users_of_one_process_wait_at_the_same_time(slow_url: str) -> None:
    """20 users' calls to a server that holds each request 1 s are all in flight together."""
    events = _drive("concurrent", slow_url, "20")
    assert len(events) == 20 and all(event["exception"] is None for event in events)
    starts = [event["start_time"] for event in events]
    ends = [event["start_time"] + event["response_time"] / 1000 for event in events]
    # Every call started before any ended: none waited for another.
    assert max(starts) < min(ends)


def test_a_user_killed_mid_call_reports_nothing_and_the_loop_goes_on(slow_url: str) -> None:
    """Stopping a user cancels its request on the loop; it is not a failure, and calls go on."""
    events = _drive("kill", slow_url)
    assert [(event["name"], event["exception"]) for event in events] == [("list_users", None)]


def test_a_call_that_does_not_fit_raises_typeerror_and_is_no_request(server_url: str) -> None:
    """A typo in a keyword raises JulepApi's TypeError at once; Locust records no request."""
    events = _drive("typo", server_url)
    assert [(event["name"], event["exception"]) for event in events] == [("list_agents", None)]


@pytest.mark.parametrize("where", ["class", "mixin"])
def test_a_failed_call_in_on_start_sets_the_user_up_again(server_url: str, where: str) -> None:
    """A failed call in on_start (the class's own, or a base class's) is counted, and the
    user sets up again after its wait: Locust would end it for the rest of the run (atkV
    repro/04)."""
    lines = _drive("set-up-retry", server_url, where)
    *events, counts = lines
    assert counts == {"attempts": 3, "tasks_run": 2, "alive": True}
    failed = [(event["name"], event["exception"]) for event in events if event["exception"]]
    assert failed == [("get_agent", "NotFoundError")] * 2


def test_a_user_stopped_before_its_on_start_returned_skips_its_on_stop(server_url: str) -> None:
    """A user whose on_start keeps failing (and so sets up again) is stopped: its on_stop,
    which would clean up what on_start made, does not run on a user never set up (Locust
    skips it after an on_start that raised); a user set up runs it (atkW repro/01)."""
    *_, result = _drive("stop-unset", server_url)
    assert result == {"stops": [True]}
