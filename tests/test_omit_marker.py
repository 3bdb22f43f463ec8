"""OMIT, the SDK's public "left out" marker, passed by a caller: left out where the argument is
optional, refused before any request where it is required, on both clients.

So is ``...``: the seed documents julep 0.3.9's OMIT as ``typing.cast(typing.Any, ...)``,
so code forwarding ``...`` for "not given" runs unchanged. Each method's request with
``arg=...`` is the request without ``arg``."""

from __future__ import annotations

import gc
import inspect
import typing
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from julep import ClientClosedError
from julep.client import OMIT, AsyncJulepApi, JulepApi
from julep.server import LocalServer

API_KEY = "sk-omit-marker-test"
# Query arguments of the list operations (defaults None): OMIT there means "left out".
QUERY_ARGUMENTS = ("limit", "offset", "metadata_filter", "sort_by", "order", "user_id")


class Recorded(typing.NamedTuple):
    client: JulepApi
    sent: list[tuple[str, str, bytes | None]]  # method, URL and body of each request
    ids: dict[str, str]

    def urls(self) -> list[str]:
        return [f"{method} {url}" for method, url, _ in self.sent]


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
        yield Recorded(client, sent, {"agent_id": agent, "user_id": user, "session_id": session})


def _list_methods() -> list[str]:
    """Methods taking at least one query argument that defaults to None."""
    return sorted(
        name
        for name in dir(AsyncJulepApi)
        if not name.startswith(("_", "iter_"))
        and callable(getattr(AsyncJulepApi, name))
        and any(
            p.name in QUERY_ARGUMENTS and p.default is None
            for p in inspect.signature(getattr(AsyncJulepApi, name)).parameters.values()
        )
    )


LIST_METHODS = _list_methods()


# The required arguments of the methods, by name (ids come from the fixture).
_REQUIRED: dict[str, typing.Any] = {
    "query": "trams",
    "name": "n",
    "about": "a",
    "situation": "s",
    "messages": [{"role": "user", "content": "hi"}],
}


def _required(name: str, ids: dict[str, str]) -> dict[str, typing.Any]:
    parameters = list(inspect.signature(getattr(AsyncJulepApi, name)).parameters.values())[1:]
    values = {**_REQUIRED, **ids}
    return {p.name: values[p.name] for p in parameters if p.default is p.empty}


def test_the_list_methods_are_found() -> None:
    """The generated cases below cover every list operation."""
    assert {"list_agents", "get_history", "get_agent_memories", "get_user_docs"} <= set(
        LIST_METHODS
    )


@settings(max_examples=25)
@given(name=st.sampled_from(LIST_METHODS), data=st.data())
def test_omit_in_a_query_argument_is_left_out(
    recorded: Recorded, name: str, data: st.DataObject
) -> None:
    """A query argument given OMIT is left out of the URL, as None is: never sent as 'OMIT'."""
    parameters = inspect.signature(getattr(AsyncJulepApi, name)).parameters
    optional = [p for p in QUERY_ARGUMENTS if p in parameters and parameters[p].default is None]
    omitted = data.draw(st.lists(st.sampled_from(optional), min_size=1, unique=True))
    recorded.sent.clear()
    getattr(recorded.client, name)(
        **_required(name, recorded.ids), **{argument: OMIT for argument in omitted}
    )
    (url,) = recorded.urls()
    assert "OMIT" not in url
    for argument in omitted:
        assert f"{argument}=" not in url


REQUIRED = [
    ("create_agent", "name", lambda ids: {}),
    ("update_agent", "about", lambda ids: {"agent_id": ids["agent_id"], "name": "n"}),
    ("update_agent", "name", lambda ids: {"agent_id": ids["agent_id"], "about": "a"}),
    ("update_user", "about", lambda ids: {"user_id": ids["user_id"], "name": "n"}),
    ("update_user", "name", lambda ids: {"user_id": ids["user_id"], "about": "a"}),
    ("update_session", "situation", lambda ids: {"session_id": ids["session_id"]}),
    ("get_agent_memories", "query", lambda ids: {"agent_id": ids["agent_id"]}),
    ("chat", "messages", lambda ids: {"session_id": ids["session_id"]}),
    ("create_agent_doc", "request", lambda ids: {"agent_id": ids["agent_id"]}),
    ("update_agent_tool", "function", lambda ids: {"agent_id": ids["agent_id"], "tool_id": "t"}),
]


@pytest.mark.parametrize("marker", [OMIT, ...], ids=["OMIT", "Ellipsis"])
@pytest.mark.parametrize(("name", "argument", "others"), REQUIRED)
def test_omit_in_a_required_argument_is_refused(
    recorded: Recorded,
    name: str,
    argument: str,
    others: typing.Callable[[dict[str, str]], dict[str, typing.Any]],
    marker: object,
) -> None:
    """A required argument given OMIT (or ``...``) raises TypeError naming it, with no
    request sent."""
    recorded.sent.clear()
    with pytest.raises(TypeError, match=rf"^{argument} must be .*, got {marker!r}"):
        getattr(recorded.client, name)(**others(recorded.ids), **{argument: marker})
    assert recorded.sent == []


def test_wait_for_job_on_a_closed_client_leaves_no_coroutine_unawaited() -> None:
    """wait_for_job on a closed JulepApi raises ClientClosedError and warns nothing."""
    client = JulepApi(api_key=API_KEY, base_url="http://127.0.0.1:9/api")
    client.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(ClientClosedError):
            client.wait_for_job("00000000-0000-4000-8000-000000000000", timeout=1)
        gc.collect()
    assert [str(w.message) for w in caught] == []


# --- ``...``, julep 0.3.9's OMIT -------------------------------------------------------


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
    recorded.sent.clear()
    getattr(recorded.client, method)(**_required(method, recorded.ids), **extra)
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
