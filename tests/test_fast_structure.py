"""The generated success path decodes like cattrs' detailed path and fails with its errors."""

from __future__ import annotations

import copy
import functools
import typing

import attrs
import cattrs
import hypothesis
import hypothesis.strategies as st
import pytest

import julep
from julep import _fast_structure, _http
from julep._serde import converter, dumps

from .wire import samples

SAMPLES: list[tuple[type, dict[str, typing.Any]]] = [
    (julep.Agent, samples.AGENT),
    (julep.User, samples.USER),
    (julep.Session, samples.SESSION),
    (julep.Doc, samples.DOC),
    (julep.Tool, samples.TOOL),
    (julep.Memory, samples.MEMORY),
    (julep.ChatMlMessage, samples.MESSAGE),
    (julep.ChatMlMessage, {**samples.MESSAGE, "content": [{"type": "text", "text": "hi"}]}),
    (julep.Suggestion, samples.SUGGESTION),
    (julep.ChatResponse, samples.CHAT_RESPONSE),
    (julep.JobStatus, samples.JOB),
    (julep.ResourceCreatedResponse, samples.CREATED),
    (julep.ListAgentsResponse, samples.items(samples.AGENT, samples.AGENT)),
    (julep.GetHistoryResponse, samples.items(samples.MESSAGE)),
]

MODELS = [getattr(julep.models, n) for n in julep.models.__all__]
MODELS = [m for m in MODELS if isinstance(m, type) and attrs.has(m) and m is not julep.ResponseInfo]


@functools.cache
def reference() -> cattrs.Converter:
    """A copy of the SDK's converter whose model hooks are cattrs' detailed ones only."""
    _fast_structure.ENABLED = False
    try:
        ref = converter.copy()
        for model in MODELS:  # hooks are generated (and nested ones with them) now
            ref.get_structure_hook(model)
    finally:
        _fast_structure.ENABLED = True
    return ref


def outcome(conv: cattrs.Converter, cls: type, data: object) -> tuple[typing.Any, ...]:
    """What decoding shows a caller: the model, its re-encoding, or the error text."""
    try:
        value = conv.structure(copy.deepcopy(data), cls)
    except cattrs.BaseValidationError as exc:
        return ("error", type(exc).__name__, cattrs.transform_error(exc))
    except (TypeError, ValueError, AttributeError) as exc:
        return ("error", type(exc).__name__, str(exc))
    return ("ok", value, dumps(value), repr(value))


def test_fast_hooks_are_in_use() -> None:
    """Every response model decodes through a generated function, not the detailed one."""
    for cls, _ in SAMPLES:
        assert converter.get_structure_hook(cls).__name__.startswith(f"structure_{cls.__name__}")


@pytest.mark.parametrize(("cls", "data"), SAMPLES, ids=[f"{c.__name__}" for c, _ in SAMPLES])
def test_samples_decode_alike(cls: type, data: dict[str, typing.Any]) -> None:
    """The API's sample bodies decode to equal models that re-encode to the same bytes."""
    fast = outcome(converter, cls, data)
    assert fast[0] == "ok"
    assert fast == outcome(reference(), cls, data)


_TIMES = [
    "2024-05-01T12:00:00Z",
    "2024-05-01T12:00:00.123Z",
    "2024-05-01T12:00:00.123456Z",
    "2024-05-01T12:00:00.1234567Z",
    "2024-05-01T12:00:00+02:00",
    "2024-05-01t12:00:00z",
    "2024-13-01T12:00:00.000Z",
    "2024-05-01 12:00:00.000Z",
    "2024-05-01",
    "2024-W18-3T12:00:00Z",
    "2024-06-30T23:59:60Z",
    "2024-05-01T12:00:00,123Z",
]
_WORDS = ["creative", "user", "assistant", "stop", "function", "succeeded", "text", "image_url"]
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4)
    | st.sampled_from(_TIMES + _WORDS)
)


def json_values(
    scalars: st.SearchStrategy[typing.Any], max_leaves: int
) -> st.SearchStrategy[typing.Any]:
    """Any JSON value built of ``scalars``: small arrays and objects, nested."""
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
        ),
        max_leaves=max_leaves,
    )


_json = json_values(_scalars, max_leaves=6)


@st.composite
def _mutated(draw: st.DrawFn, value: typing.Any) -> typing.Any:
    """``value`` with some keys dropped, nulled, replaced by any JSON, or added."""
    action = draw(st.sampled_from(["keep", "keep", "keep", "recurse", "null", "other"]))
    if action == "null":
        return None
    if action == "other":
        return draw(_json)
    if isinstance(value, dict) and action == "recurse":
        out = {}
        for key, item in value.items():
            if not draw(st.booleans()) or draw(st.integers(0, 4)):  # mostly kept
                out[key] = draw(_mutated(item))
        if draw(st.booleans()):
            out[draw(st.text(max_size=3))] = draw(_json)
        return out
    if isinstance(value, list) and action == "recurse":
        return [draw(_mutated(item)) for item in value]
    return value


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(data=st.data())
def test_any_body_decodes_or_fails_alike(data: st.DataObject) -> None:
    """Valid or not, a mutated body gives the same model or the same error on both paths."""
    cls, sample = data.draw(st.sampled_from(SAMPLES))
    body = data.draw(_mutated(sample))
    assert outcome(converter, cls, body) == outcome(reference(), cls, body)


@hypothesis.settings(max_examples=100, deadline=None)
@hypothesis.given(
    when=st.datetimes(timezones=st.timezones() | st.none()), digits=st.sampled_from([0, 3, 6])
)
def test_datetimes_decode_alike(when: typing.Any, digits: int) -> None:
    """Timestamps in every common shape, UTC or not, decode to the same instant and zone."""
    text = when.isoformat(timespec={0: "seconds", 3: "milliseconds", 6: "microseconds"}[digits])
    for stamp in (text, text.replace("+00:00", "Z")):
        body = {**samples.MESSAGE, "created_at": stamp}
        assert outcome(converter, julep.ChatMlMessage, body) == outcome(
            reference(), julep.ChatMlMessage, body
        )


def test_error_names_the_field_path() -> None:
    """A bad nested value still reports where it is."""
    body = samples.items(
        samples.AGENT, {**samples.AGENT, "default_settings": {"temperature": "hot"}}
    )
    result = outcome(converter, julep.ListAgentsResponse, body)
    assert result[0] == "error"
    assert any("$.items[1].default_settings.temperature" in line for line in result[2])


def test_decoded_objects_are_exactly_their_class() -> None:
    """The twin classes slots are filled through never escape: a decoded object, and the
    response_info a response gives it, are frozen instances of their own class."""
    for cls, data in SAMPLES:
        value = converter.structure(copy.deepcopy(data), cls)
        assert type(value) is cls
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            value.response_info = None
        raw = _http.RawResponse(
            method="GET", url="u", status=200, headers={"x-request-id": "r"}, body=dumps(data)
        )
        decoded = _http.decode(raw, cls)
        info = decoded.response_info
        assert type(info) is julep.ResponseInfo
        assert info == julep.ResponseInfo(
            status_code=200, request_id="r", retries_taken=0, elapsed=0.0
        )
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            info.status_code = 500


_STAMP_PARTS = st.tuples(
    st.sampled_from(["2024-05-01", "2024-13-01", "2024-02-30", "2024-W18-3", "20240501"]),
    st.sampled_from(["T", "t", " ", "_"]),
    st.sampled_from(["12:00:00", "23:59:60", "24:00:00", "120000", "12:00", "12:60:00"]),
    st.sampled_from(["", ".", ","]),
    st.text("0123456789", max_size=12),
    st.sampled_from(["Z", "z", "", "ZZ", " Z", "+02:00", "-00:00", "+0530", "+05", "+05:30:15"]),
)


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    parts=_STAMP_PARTS, edit=st.tuples(st.integers(0, 40), st.text(".:-TZ0 ", max_size=1))
)
def test_timestamp_text_decodes_or_fails_alike(
    parts: tuple[str, ...], edit: tuple[int, str]
) -> None:
    """Near-miss timestamp text (any fraction length, odd separators, offsets, one character
    changed) gives the same instant or the same error as the RFC 3339 parser."""
    stamp = "".join(parts)
    where, char = edit
    if char and where < len(stamp):
        stamp = stamp[:where] + char + stamp[where + 1 :]
    body = {**samples.MESSAGE, "created_at": stamp}
    assert outcome(converter, julep.ChatMlMessage, body) == outcome(
        reference(), julep.ChatMlMessage, body
    )


# The converter's model hooks are for classes of julep's own modules.
_AS_JULEP_MODULE = "julep.models._test_only"


def _model_with_optional_fields(count: int) -> type:
    cls = attrs.make_class(
        f"Optional{count}",
        {"id": attrs.field(type=str)}
        | {f"f{i}": attrs.field(type=int | None, default=None) for i in range(count)},
        bases=(julep.models.ResponseModel,),
        slots=True,
        frozen=True,
        kw_only=True,
    )
    cls.__module__ = _AS_JULEP_MODULE
    return cls


@pytest.mark.parametrize("count", [1, 10, 11])
@hypothesis.settings(max_examples=50, deadline=None)
@hypothesis.given(present=st.sets(st.integers(0, 10)), nulls=st.sets(st.integers(0, 10)))
def test_presence_is_recorded_for_every_combination(
    count: int, present: set[int], nulls: set[int]
) -> None:
    """Whichever optional keys a body has (up to 10 tracked by bits, more by the key tuple),
    the decoded object writes back exactly those, nulls as null."""
    cls = _model_with_optional_fields(count)
    body: dict[str, typing.Any] = {"id": "x", "extra": 1}
    body |= {f"f{i}": None if i in nulls else i for i in present if i < count}
    conv = converter.copy()
    value = conv.structure(body, cls)
    assert conv.get_structure_hook(cls).__name__.startswith(f"structure_{cls.__name__}_")
    expected = {key: item for key, item in body.items() if key != "extra"}
    assert conv.unstructure(value) == expected
    assert outcome(conv, cls, body) == outcome(reference().copy(), cls, body)


def test_twin_classes_stay_out_of_the_base_classes_direct_subclasses() -> None:
    """A twin subclasses its own model only: enumerating the models as the direct
    subclasses of Model or ResponseModel finds no other model's filling class. (A model's
    own __subclasses__() does list its twin: a sibling instead would crowd those base
    lists, and CPython cannot swap a class that adds its own __weakref__ slot, as
    ResponseInfo does, with a sibling.)"""
    conv = converter.copy()
    for model in MODELS:
        conv.get_structure_hook(model)
    for model in MODELS:
        for twin in (c for c in model.__subclasses__() if c.__name__.endswith("Filling")):
            assert twin.__bases__ == (model,) and twin.__name__ == f"{model.__name__}Filling"
    for base in (julep.models._base.Model, julep.models.ResponseModel):
        strays = [c for c in base.__subclasses__() if c.__name__.endswith("Filling")]
        assert all(c.__name__ == f"{base.__name__}Filling" for c in strays), strays


def test_classes_that_run_code_on_subclassing_keep_the_detailed_path() -> None:
    """Filling slots through a twin subclass would run a class's __init_subclass__ (a
    registry, say): such classes decode through cattrs' detailed function instead."""
    made: list[type] = []

    @attrs.frozen(kw_only=True)
    class Registered(julep.models.ResponseModel):
        name: str

        def __init_subclass__(cls, **kwargs: typing.Any) -> None:
            made.append(cls)
            super().__init_subclass__(**kwargs)

    Registered.__module__ = _AS_JULEP_MODULE
    conv = converter.copy()
    value = conv.structure({"name": "n", "other": 1}, Registered)
    assert (type(value), value.name, made) == (Registered, "n", [])
    assert not conv.get_structure_hook(Registered).__name__.startswith("structure_Registered_")
    assert dumps(value) == b'{"name":"n"}'


@pytest.mark.parametrize(
    "stamp",
    [
        "2024-05-01T12:00:00.Z",
        "2024-05-01T12:00:00.1234567garbage!Z",
        "2024-05-01T12:00:00.123456\u0661\u0662Z",
        "2024-05-01T12:00:00.8Z\x00_Z",
        "2024-05-01T12:00:00Z\x00abcdeZ",
    ],
)
def test_fromisoformat_leniency_does_not_reach_the_fast_path(stamp: str) -> None:
    """fromisoformat takes an empty fraction, ignores what follows a fraction's 6th
    character and stops at a NUL; RFC 3339 refuses all three, so both paths must."""
    body = {**samples.MESSAGE, "created_at": stamp}
    fast = outcome(converter, julep.ChatMlMessage, body)
    assert fast[0] == "error"
    assert fast == outcome(reference(), julep.ChatMlMessage, body)


_FRACTION_CHARS = "0123456789.:-+TZz ,\x00\uff10\u0661\U0001d7ce\xb2"


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    fraction=st.text(_FRACTION_CHARS, max_size=10), dot=st.sampled_from([".", "Z", ""])
)
def test_any_fraction_text_decodes_or_fails_alike(fraction: str, dot: str) -> None:
    """Whatever stands between the seconds and the final Z, both paths agree."""
    body = {**samples.MESSAGE, "created_at": f"2024-05-01T12:00:00{dot}{fraction}Z"}
    assert outcome(converter, julep.ChatMlMessage, body) == outcome(
        reference(), julep.ChatMlMessage, body
    )


@hypothesis.settings(max_examples=150, deadline=None)
@hypothesis.given(data=st.data())
def test_cached_hooks_decode_as_the_converter_does(data: st.DataObject) -> None:
    """``_http.structure`` (each class's hook looked up once) gives the converter's outcome."""
    cls, sample = data.draw(st.sampled_from(SAMPLES))
    body = data.draw(_mutated(sample))

    cached = typing.cast(cattrs.Converter, _CachedHooks())
    assert outcome(cached, cls, body) == outcome(converter, cls, body)
    # The converter's own hook, or its twin: two threads decoding a class for the
    # first time at once may each generate one (the same code) before either caches it.
    assert _http._STRUCTURE_HOOKS[cls].__name__.startswith(f"structure_{cls.__name__}_")


class _CachedHooks:
    """What ``outcome()`` needs of a converter: a ``structure`` (here, ``_http``'s)."""

    def structure(self, data: typing.Any, cls: type[typing.Any]) -> typing.Any:
        return _http.structure(data, cls)
