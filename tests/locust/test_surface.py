"""The Locust client covers the whole sync surface (checked without importing Locust)."""

from __future__ import annotations

import inspect
import textwrap

from julep._surface import Kind, operations
from julep.client import JulepApi

from ..subprocesses import run_python
from ..wire.test_operations import SEED_OPERATIONS
from .conftest import needs_locust

# Members of JulepApi that are the client's own settings and lifecycle, not API calls.
LIFECYCLE = {"base_url", "close", "max_retries", "timeout", "with_options"}


def test_every_public_method_of_the_sync_client_is_measured() -> None:
    """A method added to JulepApi without a Locust counterpart fails here."""
    public = {name for name in dir(JulepApi) if not name.startswith("_")} - LIFECYCLE
    assert set(operations()) == public


def test_the_36_operations_are_single_calls() -> None:
    """Each of the 36 API operations is measured as one call."""
    kinds = operations()
    assert len(SEED_OPERATIONS) == 36
    assert {name: kinds[name] for name in SEED_OPERATIONS} == dict.fromkeys(
        SEED_OPERATIONS, Kind.CALL
    )


def test_helpers_are_classified_by_what_they_return() -> None:
    """iter_* walks pages, chat_stream streams, wait_for_job is one (polling) call."""
    kinds = operations()
    assert kinds["chat_stream"] is Kind.STREAM
    assert kinds["wait_for_job"] is Kind.CALL
    iterators = {name for name, kind in kinds.items() if kind is Kind.ITERATE}
    assert iterators == {name for name in kinds if name.startswith("iter_")}
    assert all(not inspect.iscoroutinefunction(getattr(JulepApi, name)) for name in iterators)


@needs_locust
def test_each_method_shows_the_sync_clients_signature() -> None:
    """help() and editors see JulepApi's parameters and sync return types (an iterator for
    iter_*, a sync stream for chat_stream), not AsyncJulepApi's. In a fresh interpreter:
    importing the Locust client patches the process (gevent)."""
    script = textwrap.dedent(
        """
        import inspect
        from julep._surface import operations
        from julep.client import JulepApi
        from julep.locust._client import JulepLocustClient

        for name in operations():
            method = getattr(JulepLocustClient, name)
            if inspect.signature(method) != inspect.signature(getattr(JulepApi, name)):
                print("signature", name)
            if method.__qualname__ != "JulepLocustClient." + name:
                print("qualname", name, method.__qualname__)
        print("checked", len(operations()))
        """
    )
    result = run_python(script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"checked {len(operations())}"], result.stdout
