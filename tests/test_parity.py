"""The sync and async clients have the seed's methods, with the same signatures."""

from __future__ import annotations

import inspect
import json
import pathlib
import typing

import pytest

from julep.client import AsyncJulepApi, JulepApi

SEED = json.loads((pathlib.Path(__file__).parent / "data" / "seed_signatures.json").read_text())
# julep 0.3.9 itself had these two keywords beyond the seed document; they are optional.
BEYOND_SEED = {"token_budget", "context_overflow"}
# Beyond the seed: lifecycle, streaming, pagination and job waiting.
EXTRA_METHODS = {
    "close",
    "with_options",
    "chat_stream",
    "wait_for_job",
    "iter_agents",
    "iter_users",
    "iter_sessions",
    "iter_agent_docs",
    "iter_user_docs",
    "iter_agent_tools",
    "iter_history",
    "iter_suggestions",
    "iter_agent_memories",
}
TWINNED = sorted(set(SEED) | EXTRA_METHODS - {"close", "with_options"})


def _public_methods(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_") and callable(getattr(cls, name))}


def test_same_public_methods() -> None:
    """Every async method has a sync twin and the reverse."""
    assert _public_methods(AsyncJulepApi) == _public_methods(JulepApi)


def test_seed_methods_all_present() -> None:
    """The 36 operations of the seed exist on both surfaces, and nothing unplanned."""
    assert len(SEED) == 36
    methods = _public_methods(AsyncJulepApi) - EXTRA_METHODS
    assert methods == set(SEED)


@pytest.mark.parametrize("name", TWINNED)
def test_sync_signature_equals_async(name: str) -> None:
    """A sync method's runtime signature is its async twin's, on the class and bound."""
    async_sig = inspect.signature(getattr(AsyncJulepApi, name))
    unbound = getattr(JulepApi, name)
    assert inspect.isfunction(unbound) and not inspect.iscoroutinefunction(unbound)
    assert list(inspect.signature(unbound).parameters) == list(async_sig.parameters)
    client = JulepApi(api_key="k", base_url="http://127.0.0.1:9/api")
    try:
        sync_sig = inspect.signature(getattr(client, name))
    finally:
        client.close()
    assert list(sync_sig.parameters.values()) == list(async_sig.parameters.values())[1:]
    if name in SEED or name == "wait_for_job":
        assert sync_sig.return_annotation == async_sig.return_annotation


@pytest.mark.parametrize("name", sorted(SEED))
def test_signature_matches_seed(name: str) -> None:
    """Keyword names, their order and the required/optional split are the seed's."""
    params = list(inspect.signature(getattr(AsyncJulepApi, name)).parameters.values())[1:]
    ours = [[p.name, p.default is inspect.Parameter.empty] for p in params]
    seed: list[list[typing.Any]] = SEED[name]
    extra = ours[len(seed) :]
    assert ours[: len(seed)] == seed
    assert {p for p, required in extra if not required} == {p for p, _ in extra} <= BEYOND_SEED
    for param in params:
        # Any seed call passes ids positionally or by keyword, the rest by keyword.
        assert param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY)


def test_docstrings_are_shared() -> None:
    """help() on a sync method shows the async method's documentation, in sync words."""
    with JulepApi(api_key="k", base_url="http://127.0.0.1:9/api") as client:
        assert client.chat.__doc__ == AsyncJulepApi.chat.__doc__
        assert client.chat.__doc__
    for name in TWINNED:
        doc = getattr(JulepApi, name).__doc__
        assert doc, name
        assert "async " not in doc and "await " not in doc, name
