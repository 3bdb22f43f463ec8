"""The sync and async clients agree on every outcome of generated calls to the local server.

For every public method of ``AsyncJulepApi``, calls are generated from its
signature: valid ones (models, dicts, enum members and plain strings), a
missing required argument, an extra positional, an unknown keyword, and a
value of the wrong type for each parameter. Each runs on both surfaces, each
with its own freshly made resources; both must give the same result (type and
values, ids and times aside) or the same exception (type and message), within
2 s per call.
"""

from __future__ import annotations

import asyncio
import collections.abc
import dataclasses
import datetime as dt
import enum
import inspect
import re
import threading
import types
import typing
import uuid

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from julep._serde import converter
from julep.client import AsyncJulepApi, JulepApi
from julep.server import LocalServer

API_KEY = "sk-differential-test"
CALL_SECONDS = 2.0
# Plain methods of the client that are not API operations.
NOT_OPERATIONS = {"close", "with_options"}
METHODS = sorted(
    name
    for name in dir(AsyncJulepApi)
    if not name.startswith("_")
    and name not in NOT_OPERATIONS
    and callable(getattr(AsyncJulepApi, name))
)

# --- what an argument may be ---------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Ref:
    """An id of a resource made for each surface before the call (``kind`` says which)."""

    kind: str


class Wrong:
    """A value of no type any parameter takes; the same object on both surfaces."""

    def __repr__(self) -> str:
        return "Wrong()"


WRONG = Wrong()
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"
TEXT = st.text(alphabet="abcdefgh XYZ.", min_size=0, max_size=12)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), TEXT)


def _id_kind(method: str, parameter: str) -> str:
    """Which resource an ``*_id`` parameter names; fails loudly for a new kind of id."""
    kinds = {
        "agent_id": "agent",
        "user_id": "user",
        "session_id": "session",
        "tool_id": "tool",
        "job_id": "job",
        "memory_id": "memory",
    }
    if parameter == "doc_id":
        return "agent_doc" if "agent" in method else "user_doc"
    return kinds[parameter]


def _model(cls: type) -> st.SearchStrategy[typing.Any]:
    """Instances of an attrs model built from its field types (or, if refused, the kwargs)."""
    hints = typing.get_type_hints(cls)
    required: dict[str, st.SearchStrategy[typing.Any]] = {}
    optional: dict[str, st.SearchStrategy[typing.Any]] = {}
    for field in attrs.fields(cls):
        if not field.init or field.name.startswith("_"):  # bookkeeping, not data
            continue
        strategy = _from_type(hints[field.name], field.name, cls.__name__)
        (optional if field.default is not attrs.NOTHING else required)[field.name] = strategy

    def build(kwargs: dict[str, typing.Any]) -> typing.Any:
        try:
            return cls(**kwargs)
        except (TypeError, ValueError):
            return kwargs  # refused by the model: sent as a dict, both surfaces must agree

    return st.fixed_dictionaries(required, optional=optional).map(build)


def _model_or_its_dict(cls: type) -> st.SearchStrategy[typing.Any]:
    """A model instance, or the same data as the plain dict a user would write."""

    def forms(value: typing.Any) -> st.SearchStrategy[typing.Any]:
        if isinstance(value, dict):
            return st.just(value)
        return st.sampled_from([value, converter.unstructure(value)])

    return _model(cls).flatmap(forms)


def _from_type(tp: typing.Any, name: str, method: str) -> st.SearchStrategy[typing.Any]:
    """Valid-looking values of an annotation; raises for an annotation it doesn't know."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is str:
        if name.endswith("_id"):
            ref = Ref(_id_kind(method, name))
            return st.sampled_from([ref, ref, ref, UNKNOWN_ID])
        return TEXT
    if tp is bool:
        return st.booleans()
    if tp is int:
        if name == "page_size":
            # Iterators list everything the module made so far: small pages
            # would turn one call into hundreds of requests.
            return st.sampled_from([0, 25, 100])
        return st.integers(0, 4)
    if tp is float:
        return st.sampled_from([0.0, 0.5, 1.0, 1.5, -0.5])
    if tp is type(None):
        return st.none()
    if tp is dt.datetime:  # a ChatMlMessage read from the history, sent back
        return st.datetimes(timezones=st.just(dt.timezone.utc))
    if origin is typing.Literal:
        return st.sampled_from(args)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.sampled_from(list(tp))
    if origin in (typing.Union, types.UnionType):
        models = [a for a in args if attrs.has(a)]
        if models and dict[str, typing.Any] in args:
            rest = [a for a in args if not attrs.has(a) and a != dict[str, typing.Any]]
            return st.one_of(
                *[_model_or_its_dict(m) for m in models],
                *[_from_type(a, name, method) for a in rest],
            )
        return st.one_of(*[_from_type(a, name, method) for a in args])
    if origin in (list, collections.abc.Sequence):
        least = 1 if name == "messages" else 0  # an empty chat is refused: test past that
        return st.lists(_from_type(args[0], name, method), min_size=least, max_size=2)
    if origin is dict or tp is dict:
        values = (
            _from_type(args[1], name, method)
            if args and args[1] is not typing.Any
            else JSON_SCALARS
        )
        return st.dictionaries(st.sampled_from(["a", "b", "tier"]), values, max_size=2)
    if isinstance(tp, type) and issubclass(tp, dict):  # free-form objects (metadata)
        return st.dictionaries(st.sampled_from(["a", "b"]), JSON_SCALARS, max_size=2)
    if attrs.has(tp):
        return _model(tp)
    if tp is typing.Any:
        return JSON_SCALARS
    raise AssertionError(f"{method}: no generator for {name}: {tp!r}; teach _from_type")


# --- calls -----------------------------------------------------------------------------


@dataclasses.dataclass
class Call:
    kind: str
    args: list[typing.Any]
    kwargs: dict[str, typing.Any]


def _parameters(name: str) -> list[inspect.Parameter]:
    return list(inspect.signature(getattr(AsyncJulepApi, name)).parameters.values())[1:]


def _valid_calls(name: str) -> st.SearchStrategy[Call]:
    """Calls whose every argument has a type the parameter takes (the server may still refuse)."""
    hints = typing.get_type_hints(getattr(AsyncJulepApi, name))
    parameters = _parameters(name)
    values = {p.name: _from_type(hints[p.name], p.name, name) for p in parameters}

    @st.composite
    def valid(draw: st.DrawFn) -> Call:
        args = [draw(values[p.name]) for p in parameters if p.kind is p.POSITIONAL_OR_KEYWORD]
        kwargs = {
            p.name: draw(values[p.name])
            for p in parameters
            if p.kind is p.KEYWORD_ONLY and (p.default is p.empty or draw(st.booleans()))
        }
        return Call("valid", args, kwargs)

    return valid()


def _with_wrong(call: Call, name: str, target: inspect.Parameter) -> Call:
    """``call`` with ``target`` given a value of the wrong type."""
    if target.kind is target.POSITIONAL_OR_KEYWORD:
        args = list(call.args)
        positional = [p for p in _parameters(name) if p.kind is p.POSITIONAL_OR_KEYWORD]
        args[positional.index(target)] = WRONG
        return Call(f"wrong {target.name}", args, call.kwargs)
    return Call(f"wrong {target.name}", call.args, {**call.kwargs, target.name: WRONG})


def _calls(name: str) -> st.SearchStrategy[Call]:
    """Valid calls and, from each, the bad variants: missing, wrong, extra, unknown."""
    parameters = _parameters(name)

    def missing(call: Call) -> st.SearchStrategy[Call]:
        required = [p.name for p in parameters if p.default is p.empty]
        if not required:
            return st.just(call)

        def drop(index: int) -> Call:
            gone = required[index]
            if gone in call.kwargs:
                return Call(
                    "missing", call.args, {k: v for k, v in call.kwargs.items() if k != gone}
                )
            return Call("missing", call.args[:-1], call.kwargs)

        return st.integers(0, len(required) - 1).map(drop)

    def wrong(call: Call) -> st.SearchStrategy[Call]:
        if not parameters:
            return st.just(call)
        return st.sampled_from(parameters).map(lambda target: _with_wrong(call, name, target))

    return _valid_calls(name).flatmap(
        lambda call: st.one_of(
            st.just(call),
            st.just(call),
            missing(call),
            wrong(call),
            st.just(Call("extra positional", [*call.args, "extra"], call.kwargs)),
            st.just(Call("unknown keyword", call.args, {**call.kwargs, "no_such_keyword": 1})),
        )
    )


# --- the two surfaces ------------------------------------------------------------------


class Resources:
    """The resources ``Ref``s name, made on first use for one surface and one call."""

    def __init__(self, maker: JulepApi) -> None:
        self._maker = maker
        self._made: dict[str, str] = {}

    def resolve(self, value: typing.Any) -> typing.Any:
        if isinstance(value, Ref):
            return self.get(value.kind)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        return value

    def get(self, kind: str) -> str:
        if kind not in self._made:
            self._made[kind] = self._make(kind)
        return self._made[kind]

    def _make(self, kind: str) -> str:
        maker = self._maker
        if kind == "agent":
            return maker.create_agent(name="Fixture", about="Made for one call.").id
        if kind == "user":
            return maker.create_user(name="Fixture user").id
        if kind == "session":
            return maker.create_session(agent_id=self.get("agent"), user_id=self.get("user")).id
        if kind == "agent_doc":
            request = {"title": "Doc", "content": "Some text."}
            return maker.create_agent_doc(self.get("agent"), request=request).id
        if kind == "user_doc":
            request = {"title": "Doc", "content": "Some text."}
            return maker.create_user_doc(self.get("user"), request=request).id
        if kind == "tool":
            function = {"name": "lookup", "parameters": {"type": "object"}}
            return maker.create_agent_tool(
                self.get("agent"), request={"type": "function", "function": function}
            ).id
        if kind == "job":
            reply = maker.chat(
                self.get("session"), messages=[{"role": "user", "content": "Trams."}], remember=True
            )
            job_id = str(reply.jobs[0])
            maker.wait_for_job(job_id, timeout=10)  # a finished job reads the same to both
            return job_id
        if kind == "memory":
            return UNKNOWN_ID
        raise AssertionError(f"no maker for {kind}")


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_REQUEST_ID = re.compile(r"request id [^)]*")


def _normal(value: typing.Any) -> typing.Any:
    """A result with ids and times masked: what must be equal across the surfaces."""
    if attrs.has(type(value)):
        fields = attrs.fields(type(value))
        return (
            type(value).__name__,
            {f.name: _normal(getattr(value, f.name)) for f in fields if f.name != "response_info"},
        )
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(item) for item in value]
    if isinstance(value, dt.datetime):
        return "<time>"
    if isinstance(value, uuid.UUID):
        return "<id>"
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.value)
    if isinstance(value, str):
        return _UUID.sub("<id>", value)
    return value


# Python's own TypeError for a call that does not fit names the client called.
_CLIENT = re.compile(r"^(?:Async)?JulepApi\.")


def _error(exc: BaseException) -> tuple[str, str]:
    message = _REQUEST_ID.sub("request id <id>", _UUID.sub("<id>", str(exc)))
    return (type(exc).__name__, _CLIENT.sub("<client>.", message))


def _returns(name: str) -> str:
    returns = str(getattr(AsyncJulepApi, name).__annotations__["return"])
    if returns.startswith("typing.AsyncIterator"):
        return "iterator"
    if returns == "AsyncChatStream":
        return "stream"
    assert inspect.iscoroutinefunction(getattr(AsyncJulepApi, name)), f"{name}: new kind of method"
    return "awaitable"


class Surfaces:
    """Both clients on one local server, and a third client that makes resources."""

    def __init__(self, server: LocalServer) -> None:
        self.loop = asyncio.new_event_loop()
        self.async_client = AsyncJulepApi(api_key=API_KEY, base_url=server.base_url, max_retries=0)
        self.sync_client = JulepApi(api_key=API_KEY, base_url=server.base_url, max_retries=0)
        self.maker = JulepApi(api_key=API_KEY, base_url=server.base_url)

    def close(self) -> None:
        self.loop.run_until_complete(self.async_client.close())
        self.loop.close()
        self.sync_client.close()
        self.maker.close()

    def run_async(self, name: str, args: list[typing.Any], kwargs: dict[str, typing.Any]) -> object:
        client = self.async_client

        async def call() -> object:
            kind = _returns(name)
            if kind == "awaitable":
                return await getattr(client, name)(*args, **kwargs)
            if kind == "iterator":
                return [item async for item in getattr(client, name)(*args, **kwargs)]
            async with getattr(client, name)(*args, **kwargs) as stream:
                return [chunk async for chunk in stream]

        try:
            value = self.loop.run_until_complete(asyncio.wait_for(call(), CALL_SECONDS))
        except asyncio.TimeoutError:
            pytest.fail(f"async {name} took over {CALL_SECONDS}s")
        except Exception as exc:
            return _error(exc)
        return ("ok", _normal(value))

    def run_sync(self, name: str, args: list[typing.Any], kwargs: dict[str, typing.Any]) -> object:
        client = self.sync_client
        outcome: list[object] = []

        def call() -> None:
            try:
                kind = _returns(name)
                if kind == "awaitable":
                    value = getattr(client, name)(*args, **kwargs)
                elif kind == "iterator":
                    value = list(getattr(client, name)(*args, **kwargs))
                else:
                    with getattr(client, name)(*args, **kwargs) as stream:
                        value = list(stream)
                outcome.append(("ok", _normal(value)))
            except BaseException as exc:
                outcome.append(_error(exc))

        worker = threading.Thread(target=call, daemon=True)
        worker.start()
        worker.join(CALL_SECONDS)
        if worker.is_alive():
            pytest.fail(f"sync {name} took over {CALL_SECONDS}s (a hang?)")
        return outcome[0]


@pytest.fixture(scope="module")
def surfaces() -> typing.Iterator[Surfaces]:
    with LocalServer(api_key=API_KEY) as server:
        both = Surfaces(server)
        try:
            yield both
        finally:
            both.close()


# method -> "call kind -> outcome" -> count, for the summary below.
OUTCOMES: collections.defaultdict[str, collections.Counter[str]] = collections.defaultdict(
    collections.Counter
)


@pytest.mark.parametrize("name", METHODS)
def test_sync_and_async_agree(surfaces: Surfaces, name: str) -> None:
    """Generated calls of one method give the same outcome on JulepApi and AsyncJulepApi."""

    @settings(
        max_examples=14,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(call=_calls(name))
    def agree(call: Call) -> None:
        _check_agreement(surfaces, name, call)

    agree()


@pytest.mark.parametrize("name", METHODS)
def test_every_parameter_of_the_wrong_type(surfaces: Surfaces, name: str) -> None:
    """Each parameter in turn given a wrong type: both surfaces raise the same error."""

    @settings(max_examples=1, deadline=None, derandomize=True, database=None)
    @given(base=_valid_calls(name))
    def each(base: Call) -> None:
        for target in _parameters(name):
            _check_agreement(surfaces, name, _with_wrong(base, name, target))

    each()


def _check_agreement(surfaces: Surfaces, name: str, call: Call) -> None:
    async_side = Resources(surfaces.maker)
    sync_side = Resources(surfaces.maker)
    args_a = [async_side.resolve(a) for a in call.args]
    kwargs_a = {k: async_side.resolve(v) for k, v in call.kwargs.items()}
    args_s = [sync_side.resolve(a) for a in call.args]
    kwargs_s = {k: sync_side.resolve(v) for k, v in call.kwargs.items()}
    expected = surfaces.run_async(name, args_a, kwargs_a)
    got = surfaces.run_sync(name, args_s, kwargs_s)
    OUTCOMES[name][call.kind.split()[0] + " -> " + str(expected[0])] += 1
    assert got == expected, f"{name} {call.kind}: sync {got!r} != async {expected!r}"
    if expected[0] != "ok":
        assert not expected[0].endswith(("CancelledError", "TimeoutError")), expected


def test_every_public_method_is_generated() -> None:
    """A public method added to AsyncJulepApi is covered, or this fails and says why."""
    assert len(METHODS) >= 45
    for name in METHODS:
        _returns(name)
        _calls(name)  # raises for a parameter type or id kind it cannot generate
    sync_methods = {
        n for n in dir(JulepApi) if not n.startswith("_") and callable(getattr(JulepApi, n))
    }
    assert set(METHODS) | NOT_OPERATIONS == sync_methods


def test_generated_calls_reach_the_server() -> None:
    """The generated calls are not all refused locally: most methods also succeed for real."""
    if not OUTCOMES:
        pytest.skip("runs after test_sync_and_async_agree in the same session")
    for name, outcomes in sorted(OUTCOMES.items()):
        print(name, dict(outcomes))
    succeeded = {name for name, outcomes in OUTCOMES.items() if any("-> ok" in k for k in outcomes)}
    assert len(succeeded) >= 0.8 * len(METHODS), sorted(set(METHODS) - succeeded)
    assert sum(sum(c.values()) for c in OUTCOMES.values()) >= 10 * len(METHODS)
