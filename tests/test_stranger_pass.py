"""Defects found calling the client as users of the seed do (argument checks, dicts in
models, a dropped async client); each test fails on the code before its fix."""

from __future__ import annotations

import asyncio
import gc
import inspect
import logging
import math
import time
import typing

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import julep
from julep._serde import encode_json
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .loopback import LoopbackServer

# Nothing listens on port 9 of loopback: a request that went out would be an
# APIConnectionError, never the TypeError or ValueError these tests expect.
NOWHERE = "http://127.0.0.1:9/api"

ID_PARAMETERS = [
    (name, parameter)
    for name in sorted(dir(AsyncJulepApi))
    if not name.startswith("_") and inspect.iscoroutinefunction(getattr(AsyncJulepApi, name))
    for parameter in inspect.signature(getattr(AsyncJulepApi, name)).parameters
    if parameter.endswith("_id")
    and inspect.signature(getattr(AsyncJulepApi, name)).parameters[parameter].default
    is inspect.Parameter.empty
]


def _valid_arguments(method: str) -> dict[str, typing.Any]:
    """Arguments that pass every local check of ``method``."""
    values: dict[str, typing.Any] = {
        "messages": [{"role": "user", "content": "hi"}],
        "request": {"title": "t", "content": "c"},
        "function": {"name": "f", "parameters": {}},
        "query": "q",
        "about": "a",
        "name": "n",
        "situation": "s",
    }
    signature = inspect.signature(getattr(AsyncJulepApi, method))
    arguments: dict[str, typing.Any] = {}
    for name, parameter in signature.parameters.items():
        if name == "self" or parameter.default is not inspect.Parameter.empty:
            continue
        arguments[name] = (
            "00000000-0000-4000-8000-000000000000" if name.endswith("_id") else values[name]
        )
    return arguments


def test_every_operation_with_an_id_is_covered() -> None:
    assert len({method for method, _ in ID_PARAMETERS}) >= 25


@given(
    case=st.sampled_from(ID_PARAMETERS),
    dots=st.sampled_from([".", ".."]),
    as_positional=st.booleans(),
)
def test_dot_segment_ids_are_refused_before_any_request(
    case: tuple[str, str], dots: str, as_positional: bool
) -> None:
    """ "." or ".." as an id would be resolved by URL normalisers on the way:
    DELETE /agents/{id}/docs/.. is DELETE /agents/{id}."""
    method, parameter = case
    arguments = _valid_arguments(method)
    arguments[parameter] = dots
    client = AsyncJulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0)

    async def call() -> None:
        await getattr(client, method)(**arguments)

    with pytest.raises(ValueError, match=parameter):
        asyncio.run(call())
    # Dots inside an id are fine; only a whole dot segment is refused.
    assert julep._params.path_id(parameter, "a..b") == "a..b"


@given(about=st.one_of(st.integers(), st.floats(allow_nan=False), st.lists(st.text())))
def test_create_agent_checks_about_like_the_other_operations(about: object) -> None:
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError, match="about must be a str"):
            client.create_agent(name="n", about=about)  # type: ignore[arg-type]


@given(
    key=st.text(max_size=5),
    value=st.sampled_from([math.nan, math.inf, -math.inf]),
    nested=st.booleans(),
)
def test_metadata_filter_dict_refuses_nan_and_infinity(
    key: str, value: float, nested: bool
) -> None:
    """JSON would write them as null: another filter than the one given."""
    mapping: dict[str, typing.Any] = {key: {"x": [value]} if nested else value}
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match=r"metadata_filter\["):
            client.list_agents(metadata_filter=mapping)
        with pytest.raises(ValueError, match=r"metadata_filter\["):
            client.iter_users(metadata_filter=mapping)


@pytest.mark.parametrize("mapping", [{1: "a"}, {"a": object()}, {"a": {1, 2}}])
def test_metadata_filter_dict_that_json_cannot_hold_names_the_argument(
    mapping: dict[typing.Any, typing.Any],
) -> None:
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError, match="metadata_filter"):
            client.list_sessions(metadata_filter=mapping)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    name=st.text(min_size=1, max_size=10),
    parameters=st.dictionaries(st.text(max_size=5), json_values, max_size=4),
    description=st.none() | st.text(max_size=10),
)
def test_a_dict_in_a_nested_model_field_is_sent_as_written(
    name: str, parameters: dict[str, typing.Any], description: str | None
) -> None:
    """julep 0.3.9's models took CreateToolRequest(function={...}); so do these."""
    function: dict[str, typing.Any] = {"name": name, "parameters": parameters}
    if description is not None:
        function["description"] = description
    with_dict = julep.CreateToolRequest(type="function", function=function)  # type: ignore[arg-type]
    with_model = julep.CreateToolRequest(
        type=julep.CreateToolRequestType.FUNCTION, function=julep.FunctionDef(**function)
    )
    assert orjson.loads(encode_json(with_dict)) == orjson.loads(encode_json(with_model))
    assert orjson.loads(encode_json({"tools": [with_dict]})) == {
        "tools": [{"type": "function", "function": function}]
    }
    choice = julep.NamedToolChoice(type="function", function={"name": name})  # type: ignore[arg-type]
    assert orjson.loads(encode_json(choice)) == {"type": "function", "function": {"name": name}}


def test_an_async_client_dropped_unclosed_closes_its_session_quietly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """One client per request handler, never closed: no "Task was destroyed but it is
    pending!" for julep's own task, no unclosed session or connector."""

    async def handler(base_url: str) -> aiohttp_session_type:
        client = AsyncJulepApi(api_key=API_KEY, base_url=base_url)
        assert (await client.get_agent("a")).id == "a"
        session = client._transport._session
        assert session is not None
        return session

    async def main(base_url: str) -> list[aiohttp_session_type]:
        sessions = [await handler(base_url) for _ in range(3)]
        gc.collect()
        for _ in range(20):
            if all(session.closed for session in sessions):
                break
            await asyncio.sleep(0.05)
        return sessions

    with LoopbackServer() as server, caplog.at_level(logging.ERROR, logger="asyncio"):
        sessions = asyncio.run(main(server.base_url))
        gc.collect()
    assert all(session.closed for session in sessions)
    assert "Task was destroyed" not in caplog.text
    assert "Unclosed" not in caplog.text


if typing.TYPE_CHECKING:
    import aiohttp

    aiohttp_session_type = aiohttp.ClientSession
else:
    aiohttp_session_type = object


@pytest.mark.parametrize("cls", [JulepApi, AsyncJulepApi])
def test_the_seed_constructor_keyword_httpx_client(cls: type[typing.Any]) -> None:
    """The seed's constructors take httpx_client=None; an httpx client cannot be used."""
    client = cls(api_key=API_KEY, base_url=NOWHERE, timeout=300, httpx_client=None)
    assert client.base_url.rstrip("/") == NOWHERE

    class Client:  # stands in for httpx.Client, which is not a dependency
        pass

    with pytest.raises(julep.ConfigurationError, match=r"httpx_client: .* Client; .*proxy="):
        cls(api_key=API_KEY, base_url=NOWHERE, httpx_client=Client())


_NOT_FINITE_OR_NOT_NUMBER = st.sampled_from(
    [math.nan, math.inf, -math.inf, "5", b"5", [5], True]
) | st.floats(max_value=0, allow_nan=False)


@given(
    value=_NOT_FINITE_OR_NOT_NUMBER,
    field=st.sampled_from(["connect", "read", "total", "stream_idle"]),
)
def test_timeout_fields_must_be_positive_finite_numbers(value: object, field: str) -> None:
    """NaN meant no deadline at all, by accident; infinity broke aiohttp's timers
    (OverflowError at call time); a str broke the check itself (a raw TypeError)."""
    with pytest.raises(julep.ConfigurationError, match=f"Timeout.{field}"):
        julep.Timeout(**{field: value})  # type: ignore[arg-type]


@given(
    value=st.sampled_from([math.nan, math.inf, -math.inf]) | st.floats(max_value=0, allow_nan=False)
)
def test_a_timeout_number_must_be_positive_and_finite(value: float) -> None:
    for cls in (JulepApi, AsyncJulepApi):
        with pytest.raises(julep.ConfigurationError, match=r"timeout must .*Timeout\.NONE"):
            cls(api_key=API_KEY, base_url=NOWHERE, timeout=value)


@given(
    value=st.sampled_from([math.nan, math.inf, "1", None, True])
    | st.floats(max_value=-1e-9, allow_nan=False),
    name=st.sampled_from(["initial_delay", "max_delay"]),
)
def test_retry_delays_must_be_finite_numbers(value: object, name: str) -> None:
    """initial_delay=nan made a call with timeout=2 take ~30 s; "1" a raw TypeError."""
    with pytest.raises(julep.ConfigurationError, match=name):
        julep.RetryPolicy(**{name: value})  # type: ignore[arg-type]


@pytest.mark.parametrize("cls", [JulepApi, AsyncJulepApi])
def test_headers_and_environment_of_the_wrong_kind_name_themselves(cls: type[typing.Any]) -> None:
    with pytest.raises(julep.ConfigurationError, match="headers must be a mapping"):
        cls(api_key=API_KEY, base_url=NOWHERE, headers=[("X-A", "b")])
    with pytest.raises(julep.ConfigurationError, match=r"environment .* base_url="):
        cls(api_key=API_KEY, environment="https://example.com/api")
    client = cls(api_key=API_KEY, base_url=NOWHERE)
    with pytest.raises(julep.ConfigurationError, match="headers must be a mapping"):
        client.with_options(headers=[("X-A", "b")])


def test_the_local_server_logs_no_traceback_when_a_client_leaves(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A call cut short (a timeout, Ctrl+C) while the server waits: no ERROR traceback."""
    from julep.server import LocalServer

    with LocalServer(faults="delay=1.0:600ms") as server, caplog.at_level(logging.DEBUG):
        with JulepApi(
            api_key=API_KEY,
            base_url=server.base_url,
            max_retries=0,
            timeout=julep.Timeout(read=0.2, total=0.2),
        ) as client:
            with pytest.raises(julep.APITimeoutError):
                client.create_agent(name="late")
        for _ in range(30):
            if "client disconnected" in caplog.text:
                break
            time.sleep(0.05)
    assert "client disconnected" in caplog.text
    assert "Error handling request" not in caplog.text


def test_julep_api_client_holds_what_0_3_9_imported_there() -> None:
    """`from julep.api.client import CreateDoc, JulepApiEnvironment, ApiError` ran on 0.3.9."""
    import julep.api
    import julep.api.client
    from julep.api.core.api_error import ApiError

    assert julep.api.client.ApiError is ApiError
    for name in ["JulepApiEnvironment", *julep.models.__all__]:
        assert getattr(julep.api.client, name) is getattr(julep.api, name), name


_texts = st.text(max_size=20)
_ERRORS = st.one_of(
    st.builds(
        lambda cls, status, body, method, url, retries: cls(
            status_code=status, body=body, method=method, url=url, retries_taken=retries
        ),
        st.sampled_from(
            [
                julep.APIStatusError,
                julep.NotFoundError,
                julep.RateLimitError,
                julep.InternalServerError,
            ]
        ),
        st.integers(300, 599),
        st.one_of(_texts, st.dictionaries(_texts, _texts, max_size=2)),
        st.none() | st.just("GET"),
        st.none() | _texts,
        st.integers(0, 5),
    ),
    st.builds(
        lambda message, body: julep.ResponseValidationError(message, body=body, status_code=200),
        _texts,
        st.binary(max_size=10),
    ),
    st.builds(
        lambda limit: julep.ResponseTooLargeError(limit=limit, status_code=200), st.integers(1)
    ),
    st.builds(lambda text: julep.StreamError("broke off", partial_text=text), _texts),
    st.builds(julep.APITimeoutError, _texts),
    st.builds(julep.ConfigurationError, _texts),
)


@given(error=_ERRORS)
def test_errors_survive_pickle_and_copy(error: julep.JulepError) -> None:
    """A process pool worker's NotFoundError reached the parent as BrokenProcessPool."""
    import copy
    import pickle

    for again in (pickle.loads(pickle.dumps(error)), copy.copy(error), copy.deepcopy(error)):
        assert type(again) is type(error)
        assert str(again) == str(error)
        assert again.args == error.args
        assert again.__dict__ == error.__dict__


@given(
    key=st.builds(
        lambda head, control, tail: head + control + tail,
        st.text(max_size=5),
        st.sampled_from(["\n", "\r", "\x00", "\x7f", "\r\nX-Injected: 1"]),
        st.text(max_size=5),
    )
)
def test_an_idempotency_key_with_control_characters_is_refused_at_once(key: str) -> None:
    """It went out as a header, where aiohttp raised its own bare ValueError on every call."""
    with JulepApi(api_key=API_KEY, base_url=NOWHERE) as client:
        with pytest.raises(julep.ConfigurationError, match="Idempotency-Key"):
            client.with_options(idempotency_key=key)


@given(
    name=st.sampled_from(["Idempotency-Key", "idempotency-key", "IDEMPOTENCY-KEY"]),
    cls=st.sampled_from([AsyncJulepApi, JulepApi]),
    where=st.sampled_from(["constructor", "with_options"]),
)
def test_an_idempotency_key_header_is_refused_pointing_to_with_options(
    name: str, cls: type[typing.Any], where: str
) -> None:
    """headers={"Idempotency-Key": ...} went out beside each call's own key (two values),
    or was replaced by it: refused at once, naming the way to fix a key."""
    with pytest.raises(julep.ConfigurationError, match=r"with_options\(idempotency_key"):
        if where == "constructor":
            cls(api_key=API_KEY, base_url=NOWHERE, headers={name: "k1"})
        else:
            client = cls(api_key=API_KEY, base_url=NOWHERE)
            try:
                client.with_options(headers={name: "k1"})
            finally:
                if cls is JulepApi:
                    client.close()


@given(
    name=st.text(min_size=0, max_size=8).filter(
        lambda text: (
            not text
            or any(not (c.isascii() and (c.isalnum() or c in "!#$%&'*+-.^_`|~")) for c in text)
        )
    )
)
def test_a_header_name_that_is_not_an_http_token_is_refused(name: str) -> None:
    """ "X Name", "X:Name", "" or "X-Nämé" went out; the server answered 400 (or misread it)."""
    with pytest.raises(julep.ConfigurationError, match="header"):
        JulepApi(api_key=API_KEY, base_url=NOWHERE, headers={name: "v"})


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://[::1/api", "not a valid URL"),
        ("http://127.0.0.1:99999/api", "not a valid URL"),
        ("http://127.0.0.1:port/api", "not a valid URL"),
        ("http:///api", "no host"),
    ],
)
def test_a_base_url_that_cannot_work_is_refused_naming_base_url(url: str, problem: str) -> None:
    """Were a bare ValueError from urllib, or accepted to fail on every call."""
    for cls in (JulepApi, AsyncJulepApi):
        with pytest.raises(
            julep.ConfigurationError, match=f"base_url .*{problem}|base_url has {problem}"
        ):
            cls(api_key=API_KEY, base_url=url)


_OPERATIONS = sorted(
    name
    for name in dir(AsyncJulepApi)
    if not name.startswith("_")
    and inspect.iscoroutinefunction(getattr(AsyncJulepApi, name))
    and name not in ("close", "wait_for_job")
)


@pytest.fixture(scope="module")
def closed_clients() -> typing.Iterator[tuple[JulepApi, AsyncJulepApi, JulepApi]]:
    """A used sync client, a used async client and a never-used sync client, all closed."""
    with LoopbackServer() as server:
        used = JulepApi(api_key=API_KEY, base_url=server.base_url)
        assert used.get_agent("a").id == "a"
        used.close()
        async_client = AsyncJulepApi(api_key=API_KEY, base_url=server.base_url)

        async def use_and_close() -> None:
            assert (await async_client.get_agent("a")).id == "a"
            await async_client.close()

        asyncio.run(use_and_close())
        never_used = JulepApi(api_key=API_KEY, base_url=server.base_url)
        never_used.close()
        yield used, async_client, never_used


@given(data=st.data())
def test_closed_clients_answer_a_call_alike(
    closed_clients: tuple[JulepApi, AsyncJulepApi, JulepApi], data: st.DataObject
) -> None:
    """A bad argument is a TypeError/ValueError on both clients, closed or not (the sync
    client said ClientClosedError); a good call is ClientClosedError on both."""
    used, async_client, never_used = closed_clients
    method = data.draw(st.sampled_from(_OPERATIONS))
    arguments = _valid_arguments(method)
    parameters = [p for p in inspect.signature(getattr(AsyncJulepApi, method)).parameters][1:]
    bad = data.draw(st.none() | st.sampled_from(parameters))
    if bad is not None:
        arguments[bad] = data.draw(st.sampled_from([5, b"x", object(), "", ".."]))

    def outcome(call: typing.Callable[[], object]) -> tuple[str, str]:
        try:
            call()
        except Exception as exc:
            return type(exc).__name__, str(exc)
        return "ok", ""

    async def on_async() -> tuple[str, str]:
        try:
            await getattr(async_client, method)(**arguments)
        except Exception as exc:
            return type(exc).__name__, str(exc)
        return "ok", ""

    expected = asyncio.run(on_async())
    assert outcome(lambda: getattr(used, method)(**arguments)) == expected
    assert outcome(lambda: getattr(never_used, method)(**arguments)) == expected
    if bad is None:
        assert expected[0] == "ClientClosedError"


@pytest.mark.parametrize("stop", [[], (), ["a"] * 5])
def test_stop_takes_one_to_four_sequences_checked_before_sending(
    stop: typing.Sequence[str],
) -> None:
    """Five were refused at once but an empty list went out for the server's 422."""
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match="stop takes 1 to 4"):
            client.chat("s", messages=[{"role": "user", "content": "hi"}], stop=stop)


@given(
    text=st.builds(
        lambda head, surrogate, tail: head + surrogate + tail,
        st.text(max_size=4),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),
        st.text(max_size=4),
    ),
    where=st.sampled_from(["agent_id", "query", "user_id"]),
)
def test_a_lone_surrogate_in_a_url_argument_names_the_argument(text: str, where: str) -> None:
    """Text decoded with surrogateescape raised a bare UnicodeEncodeError naming nothing."""
    arguments: dict[str, typing.Any] = {"agent_id": "a", "query": "q", where: text}
    with JulepApi(api_key=API_KEY, base_url=NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match=f"{where} cannot be sent in a URL"):
            client.get_agent_memories(**arguments)
