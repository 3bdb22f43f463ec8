"""wait_for_job's intervals in order, and a readable refusal to pickle a client."""

from __future__ import annotations

import asyncio
import pickle

import hypothesis
import hypothesis.strategies as st
import pytest

import julep


@hypothesis.settings(max_examples=20, deadline=None)
@hypothesis.given(
    poll=st.floats(min_value=0.01, max_value=100), factor=st.floats(min_value=0.01, max_value=0.99)
)
def test_a_first_wait_longer_than_the_longest_is_refused_on_both_clients(
    poll: float, factor: float
) -> None:
    """wait_for_job(poll_interval=5, max_interval=1) took the first wait at 5 s, past its
    cap; it is a ValueError naming both, before any request (nothing listens on port 9)."""
    longest = poll * factor
    with julep.JulepApi(api_key="k" * 12, base_url="http://127.0.0.1:9/api") as client:
        with pytest.raises(ValueError, match=r"poll_interval .* max_interval"):
            client.wait_for_job("j", poll_interval=poll, max_interval=longest)

    async def on_async() -> None:
        async with julep.AsyncJulepApi(api_key="k" * 12, base_url="http://127.0.0.1:9/api") as c:
            with pytest.raises(ValueError, match=r"poll_interval .* max_interval"):
                await c.wait_for_job("j", poll_interval=poll, max_interval=longest)

    asyncio.run(on_async())


def test_a_client_refuses_pickling_with_a_readable_message() -> None:
    """'an AsyncJulepApi', not 'a AsyncJulepApi'; and what to do instead."""
    for cls, article in ((julep.JulepApi, "a"), (julep.AsyncJulepApi, "an")):
        client = cls(api_key="k" * 12, base_url="http://127.0.0.1:9/api")
        try:
            with pytest.raises(
                TypeError, match=f"^{article} {cls.__name__} holds .*cannot be pickled"
            ):
                pickle.dumps(client)
        finally:
            if isinstance(client, julep.JulepApi):
                client.close()
