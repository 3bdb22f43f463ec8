"""``...`` passed for an optional argument is left out, as julep 0.3.9 did: the seed documents
its OMIT as ``typing.cast(typing.Any, ...)``, so code forwarding ``...`` for "not given" runs
unchanged. Each method's request with ``arg=...`` is the request without ``arg``."""

from __future__ import annotations

import inspect
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from julep.client import OMIT, AsyncJulepApi, JulepApi
from julep.server import LocalServer

API_KEY = "sk-ellipsis-test"


class Recorded(typing.NamedTuple):
    client: JulepApi
    sent: list[tuple[str, str, bytes | None]]
    ids: dict[str, str]


@pytest.fixture(scope="module")
def recorded() -> typing.Iterator[Recorded]:
    with (
        LocalServer(api_key=API_KEY) as server,
        JulepApi(api_key=API_KEY, base_url=server.base_url, max_retries=0) as client,
    ):
        agent = client.create_agent(name="a").id
        user = client.create_user(name="u").id
        session = client.create_session(agent_id=agent, user_id=user).id
        sent: list[tuple[str, str, bytes | None]] = []
        transport = client._async._transport
        send = transport.send

        async def spy(method: str, url: str, **kwargs: typing.Any) -> typing.Any:
            sent.append((method, url, kwargs.get("data")))
            return await send(method, url, **kwargs)

        transport.send = spy  # type: ignore[method-assign]
        ids = {"agent_id": agent, "user_id": user, "session_id": session}
        yield Recorded(client, sent, ids)


# The required arguments of the methods, by name (ids come from the fixture).
_REQUIRED: dict[str, typing.Any] = {
    "query": "trams",
    "name": "n",
    "about": "a",
    "situation": "s",
    "messages": [{"role": "user", "content": "hi"}],
}


def _optional(method: str) -> list[str]:
    parameters = inspect.signature(getattr(AsyncJulepApi, method)).parameters.values()
    return [
        p.name
        for p in parameters
        if p.default is OMIT or (p.default is None and p.kind is p.KEYWORD_ONLY)
    ]


# Methods that send one request and take optional arguments; deletes and updates that
# change what the next call reads (a second create) are fine: only the request is compared.
METHODS = sorted(
    name
    for name in dir(AsyncJulepApi)
    if not name.startswith(("_", "iter_", "with_", "wait_"))
    and name not in ("chat_stream", "close")
    and callable(getattr(AsyncJulepApi, name))
    and _optional(name)
)


def _call(recorded: Recorded, method: str, **extra: typing.Any) -> tuple[str, str, bytes | None]:
    parameters = list(inspect.signature(getattr(AsyncJulepApi, method)).parameters.values())[1:]
    values = {**_REQUIRED, **recorded.ids}
    kwargs = {p.name: values[p.name] for p in parameters if p.default is p.empty}
    recorded.sent.clear()
    getattr(recorded.client, method)(**kwargs, **extra)
    return recorded.sent[-1]


def test_every_method_with_optional_arguments_is_covered() -> None:
    assert {"chat", "create_agent", "list_agents", "patch_session", "get_agent_memories"} <= set(
        METHODS
    )


@pytest.mark.parametrize(("method", "argument"), [(m, a) for m in METHODS for a in _optional(m)])
def test_ellipsis_is_left_out_like_an_argument_not_given(
    recorded: Recorded, method: str, argument: str
) -> None:
    without = _call(recorded, method)
    assert _call(recorded, method, **{argument: ...}) == without


@settings(max_examples=40, deadline=None)
@given(chosen=st.sets(st.sampled_from(_optional("chat")), min_size=1))
def test_any_mix_of_ellipsis_arguments_in_a_chat(recorded: Recorded, chosen: set[str]) -> None:
    without = _call(recorded, "chat")
    assert _call(recorded, "chat", **dict.fromkeys(chosen, ...)) == without


def test_the_seed_s_own_omit_value_works(recorded: Recorded) -> None:
    """``OMIT = typing.cast(typing.Any, ...)`` copied from the seed's client, forwarded."""
    seed_omit = typing.cast(typing.Any, ...)
    agent = recorded.client.create_agent(name="x", about=seed_omit, model=seed_omit)
    assert recorded.sent[-1][2] == b'{"name":"x"}'
    recorded.client.patch_agent(agent.id, name=seed_omit, about="b")
    assert recorded.sent[-1][2] == b'{"about":"b"}'


@pytest.mark.parametrize("marker", [OMIT, ...], ids=["OMIT", "Ellipsis"])
@pytest.mark.parametrize("argument", ["name", "about"])
def test_a_required_argument_given_as_omitted_is_refused(
    recorded: Recorded, marker: object, argument: str
) -> None:
    recorded.sent.clear()
    arguments = {"name": "n", "about": "a", argument: marker}
    with pytest.raises(TypeError, match=rf"^{argument} must be a str, got .*it is required"):
        recorded.client.update_user(recorded.ids["user_id"], **arguments)
    assert recorded.sent == []
