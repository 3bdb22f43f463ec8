"""The Locust client covers the whole sync surface (checked without importing Locust)."""

from __future__ import annotations

import inspect

from julep._surface import Kind, operations
from julep.client import JulepApi

from ..wire.test_operations import SEED_OPERATIONS

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
