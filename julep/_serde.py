"""The one cattrs converter: every JSON policy of the SDK lives here.

- Optional request fields default to ``OMIT`` and are left out of the JSON;
  ``None`` is sent as ``null``.
- Missing optional fields in a response decode to ``None``, never ``OMIT``.
- A decoded model keeps the keys it was decoded with (``Model._present``);
  encoded again, it writes those keys plus the fields set since, so absent
  stays absent and ``null`` stays ``null``. A model built in code writes the
  fields given to it.
- Enums are written as their values; an unknown value in a response decodes to
  a pseudo-member of the enum, so a server that adds a value breaks nothing.
- Datetimes are RFC 3339 with a zone (naive ones are taken as UTC), parsed by
  ``_rfc3339`` alike on every Python; epoch numbers are accepted on input.
- Unions are decided by the JSON shape: ``str | list[str]`` (instructions, doc
  content, stop), ``str | list[part]`` (message content, parts chosen by their
  ``type``), ``str | NamedToolChoice`` (tool_choice).
- ``continue_`` and ``schema_`` are ``continue`` and ``schema`` on the wire.
- Free-form objects (metadata, JSON schemas, entities) pass through as dicts.
- Scalars and arrays are checked, not coerced: ``"5"`` is not an int, ``1`` is
  not a bool, ``"abc"`` is not a list (``5.0`` is an int, as in JSON Schema).
- Unknown keys in a response are ignored.
"""

from __future__ import annotations

import collections
import datetime as dt
import decimal
import enum
import functools
import ipaddress
import math
import pathlib
import re
import sys
import typing

import attrs
import cattrs
import cattrs.v
import orjson
from cattrs.cols import list_structure_factory
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.preconf.orjson import make_converter

from . import _bigjson, models
from ._fast_structure import make_fast_structure
from ._rfc3339 import parse_datetime
from ._types import OMIT
from .errors import with_article
from .models._base import FreeformObject
from .models._enum_values import lenient_enum, strict_enum
from .models._export import BOOKKEEPING, is_set, iso_datetime
from .models.enums import _StrEnum

__all__ = ["converter", "dumps", "encode_json", "json_type", "lenient_enum", "loads", "strict_enum"]

converter = make_converter(prefer_attrib_converters=False)

_RENAMED = {"continue_": "continue", "schema_": "schema"}

# The containers a request's free-form data may hold that JSON writes as an array:
# lists and tuples (a NamedTuple too) in order, deques as lists, sets and frozensets
# in their iteration order. Every walk over such data (finite numbers, nested models,
# a filter's sets, the failure paths naming what cannot be written) takes these, so
# a container written as an array is walked wherever one is.
ORDERED_ARRAYS = (list, tuple, collections.deque)
UNORDERED_ARRAYS = (set, frozenset)
ARRAYS = ORDERED_ARRAYS + UNORDERED_ARRAYS


# --- scalars -----------------------------------------------------------------

_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def wire_names(cls: type) -> frozenset[str]:
    """The JSON keys of a model's fields."""
    return frozenset(
        _RENAMED.get(field.name, field.name)
        for field in attrs.fields(cls)
        if field.init and not field.name.startswith("_")
    )


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _structure_str(value: object, _: type) -> str:
    if isinstance(value, str):
        return value
    raise TypeError(f"expected a string, got {json_type(value)}")


def _structure_int(value: object, _: type) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # JSON has one number type: 5.0 is an integer to JSON Schema, and to us.
    if isinstance(value, float) and value.is_integer():
        _bigjson.check_float(value)
        return int(value)
    raise TypeError(f"expected an integer, got {json_type(value)}")


def _structure_float(value: object, _: type) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise TypeError(f"expected a number, got {json_type(value)}")


def _structure_bool(value: object, _: type) -> bool:
    if isinstance(value, bool):
        return value
    raise TypeError(f"expected a boolean, got {json_type(value)}")


def _structure_any_object(value: object, _: type) -> dict[str, typing.Any]:
    if isinstance(value, dict):
        _bigjson.check_free_form(value)
        return value
    raise TypeError(f"expected an object, got {json_type(value)}")


def _structure_free_form(value: object, _: object) -> object:
    _bigjson.check_free_form(value)
    return value


converter.register_structure_hook(str, _structure_str)
converter.register_structure_hook(int, _structure_int)
converter.register_structure_hook(float, _structure_float)
converter.register_structure_hook(bool, _structure_bool)
converter.register_structure_hook_func(lambda t: t == dict[str, typing.Any], _structure_any_object)
converter.register_structure_hook_func(lambda t: t is typing.Any, _structure_free_form)
converter.register_structure_hook_func(
    lambda t: isinstance(t, type) and issubclass(t, FreeformObject), _structure_any_object
)
converter.register_unstructure_hook(FreeformObject, dict)


def _is_list(t: object) -> bool:
    return t is list or typing.get_origin(t) is list


# Each list hook and its item type, so that generated code can loop inline.
_LIST_ITEMS: dict[typing.Callable[[typing.Any, type], typing.Any], object] = {}


def _list_factory(
    list_type: type, converter: cattrs.Converter
) -> typing.Callable[[typing.Any, type], typing.Any]:
    structure_items = list_structure_factory(list_type, converter)

    args = typing.get_args(list_type)
    item = args[0] if args else typing.Any
    free_form = item is typing.Any  # cattrs copies such a list without a look at its items

    def structure_list(value: object, t: type) -> typing.Any:
        # cattrs takes any iterable, so a string would become a list of letters.
        if not isinstance(value, list):
            raise TypeError(f"expected an array, got {json_type(value)}")
        if free_form:
            _bigjson.check_free_form(value)
        return structure_items(value, t)

    _LIST_ITEMS[structure_list] = item
    return structure_list


converter.register_structure_hook_factory(_is_list, _list_factory)


# --- datetimes ---------------------------------------------------------------


# julep 0.3.9 (pydantic v1) read an epoch number above 2e10 as milliseconds,
# dividing by 1000 until it is not (so micro- and nanoseconds work too).
_MS_WATERSHED = 2e10
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)
# Beyond this (either way) it read the latest (earliest) datetime before any
# division: 10**30 is no date in 1973. The compare is exact for an int of any size.
_MAX_EPOCH = int(3e20)
_LATEST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
_EARLIEST = dt.datetime.min.replace(tzinfo=dt.timezone.utc)


def _from_epoch(value: float) -> dt.datetime:
    if value > _MAX_EPOCH:
        return _LATEST
    if value < -_MAX_EPOCH:
        return _EARLIEST
    seconds = float(value)  # within 3e20: no OverflowError
    while abs(seconds) > _MS_WATERSHED:
        seconds /= 1000
    return _EPOCH + dt.timedelta(seconds=seconds)


def _structure_datetime(value: object, _: type) -> dt.datetime:
    if isinstance(value, str):
        try:
            return parse_datetime(value)
        except ValueError:
            try:
                number = float(value)  # an epoch as a string, as 0.3.9 took it
            except ValueError:
                number = float("nan")
            if not math.isfinite(number):
                raise
            return _from_epoch(number)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # An int is finite (and math.isfinite raises OverflowError past a float's range).
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ValueError(f"expected an epoch number, got {value!r}")
            # 3e20 + 1 is past the bound; orjson's float of it is not.
            _bigjson.check_float(value)
        return _from_epoch(value)
    raise TypeError(f"expected an RFC 3339 datetime, got {json_type(value)}")


converter.register_structure_hook(dt.datetime, _structure_datetime)
converter.register_unstructure_hook(dt.datetime, iso_datetime)


# --- bytes -------------------------------------------------------------------


def _refuse_bytes(value: bytes | bytearray) -> typing.NoReturn:
    # The orjson preset writes bytes as base85 text: a message content or a
    # metadata value given as bytes (a file read in "rb") would reach the API
    # as gibberish. JSON has no bytes; decode them first, as a dict argument
    # holding bytes is also refused.
    raise TypeError(f"{type(value).__name__} is not JSON serializable; decode it to a str")


converter.register_unstructure_hook(bytes, _refuse_bytes)
converter.register_unstructure_hook(bytearray, _refuse_bytes)


# --- enums -------------------------------------------------------------------


# Class hooks match subclasses by MRO. The API's enums derive from
# (str, Enum) through _StrEnum, which comes before str in their MRO, so the
# enum hook wins over the strict str hook above.
def _structure_enum(value: object, cls: type[enum.Enum]) -> enum.Enum:
    return lenient_enum(cls, value)


converter.register_structure_hook(enum.Enum, _structure_enum)
converter.register_structure_hook(_StrEnum, _structure_enum)
converter.register_unstructure_hook(enum.Enum, lambda member: member.value)


# --- unions ------------------------------------------------------------------


def _structure_str_list(value: object, _: object) -> str | list[str]:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:  # a plain loop: no generator frame per call
            if not isinstance(item, str):
                break
        else:
            return value
        index = next(i for i, item in enumerate(value) if not isinstance(item, str))
        raise TypeError(
            f"expected a string or a list of strings, got an array whose item [{index}] "
            f"is {json_type(value[index])}"
        )
    raise TypeError(f"expected a string or a list of strings, got {json_type(value)}")


def _structure_optional_str_list(value: object, t: object) -> str | list[str] | None:
    return None if value is None else _structure_str_list(value, t)


_PART_TYPES: dict[str, type] = {
    "text": models.ChatMlTextContentPart,
    "image_url": models.ChatMlImageContentPart,
}


def _structure_part(value: object, _: object) -> models.ChatMlMessageContentItem:
    if not isinstance(value, dict):
        raise TypeError(f"expected a content part object, got {json_type(value)}")
    part_type = _PART_TYPES.get(value.get("type"))  # type: ignore[arg-type]
    if part_type is None:
        if "type" not in value:
            raise ValueError("a content part needs a 'type'")
        _bigjson.check_free_form(value)
        return value
    return typing.cast(models.ChatMlMessageContentItem, converter.structure(value, part_type))


def _structure_content(value: object, _: object) -> models.ChatMlMessageContent:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        try:
            return [_structure_part(item, None) for item in value]
        except Exception:
            _raise_at_part(value)
    raise TypeError(f"expected a string or a list of content parts, got {json_type(value)}")


def _raise_at_part(parts: list[object]) -> typing.NoReturn:
    """Raise the failures of ``parts`` with their indexes, as cattrs does for its lists,
    so an error names ``content[1].text`` rather than ``content.text``."""
    errors: list[Exception] = []
    for index, item in enumerate(parts):
        try:
            _structure_part(item, None)
        except Exception as exc:
            note = cattrs.IterableValidationNote(
                f"Structuring content part @ index {index}", index, object
            )
            # add_note() is Python 3.11+; cattrs reads __notes__ on 3.10 too.
            exc.__notes__ = [*getattr(exc, "__notes__", []), note]  # type: ignore[attr-defined]
            errors.append(exc)
    raise cattrs.IterableValidationError("While structuring content parts", errors, list)


def _structure_tool_choice(value: object, _: object) -> models.ChatInputDataToolChoice:
    if isinstance(value, str):
        return value
    return converter.structure(value, models.NamedToolChoice)


_UNION_HOOKS: dict[object, typing.Callable[[object, object], typing.Any]] = {
    typing.Union[str, list[str]]: _structure_str_list,
    typing.Union[str, list[str], None]: _structure_optional_str_list,
    models.ChatMlMessageContentItem: _structure_part,
    models.ChatMlMessageContent: _structure_content,
    models.ChatInputDataToolChoice: _structure_tool_choice,
}


def _is_type(expected: object) -> typing.Callable[[object], bool]:
    return lambda t: t == expected


for _union, _hook in _UNION_HOOKS.items():
    converter.register_structure_hook_func(_is_type(_union), _hook)


# --- attrs classes -----------------------------------------------------------


def _is_model(t: object) -> bool:
    return isinstance(t, type) and _is_model_class(t)


# The walk once per class (every model argument asks); bounded, so a caller's
# classes made on the fly are not all kept alive here.
@functools.lru_cache(maxsize=512)
def _is_model_class(t: type) -> bool:
    # A caller's subclass of a model (class MyMessage(InputChatMlMessage)) is one
    # too: encoded as its base is, not as a plain attrs class (a "_present" key,
    # Python names, a null for every field left out).
    return attrs.has(t) and any(
        c.__module__.startswith("julep.") for c in t.__mro__[:-1] if attrs.has(c)
    )


# Exactly these classes (not enums or other subclasses) unstructure to themselves.
_PLAIN_SCALARS = frozenset({str, int, float, bool, type(None)})


def _unstructure_factory(
    cls: type, converter: cattrs.Converter
) -> typing.Callable[[typing.Any], dict[str, typing.Any]]:
    fields = attrs.fields(cls)
    tracks_presence = hasattr(fields, "_present")
    overrides: dict[str, typing.Any] = {}
    for field in fields:
        # A model built in code writes the fields given to it: an optional
        # field of a response model left at its default None is not written,
        # as julep 0.3.9 left an unset field out (ChatMlMessage(...) sent as
        # a chat message has no "name": null, Doc(...) no "metadata": null).
        omitted_default = field.default is OMIT or (tracks_presence and field.default is None)
        if field.name in BOOKKEEPING:
            overrides[field.name] = override(omit=True)
        elif omitted_default or field.name in _RENAMED:
            overrides[field.name] = override(
                omit_if_default=omitted_default, rename=_RENAMED.get(field.name)
            )
    built: typing.Callable[[typing.Any], dict[str, typing.Any]] = make_dict_unstructure_fn(
        cls, converter, **overrides
    )
    if not tracks_presence:
        return built
    encoded = tuple(
        (field, _RENAMED.get(field.name, field.name))
        for field in fields
        if field.name not in BOOKKEEPING
    )
    unstructure = converter.unstructure

    def unstructure_model(value: typing.Any) -> dict[str, typing.Any]:
        if value.__class__ is dict:
            # A dict where a model goes (CreateToolRequest(function={...})), as
            # julep 0.3.9's pydantic models took it: sent as the caller wrote it.
            return unstructure(value)  # type: ignore[no-any-return]
        if value._present is None:
            return built(value)
        # Decoded: the keys it came with, and whatever the caller set since
        # (attrs.evolve keeps _present and changes fields).
        out: dict[str, typing.Any] = {}
        for field, wire in encoded:
            item = getattr(value, field.name)
            if is_set(value, field, item):
                # A plain scalar is its own JSON form: no dispatch for it.
                out[wire] = item if item.__class__ in _PLAIN_SCALARS else unstructure(item)
        return out

    return unstructure_model


def _structure_factory(
    cls: type, converter: cattrs.Converter
) -> typing.Callable[[typing.Any, type], typing.Any]:
    fields = attrs.fields(cls)
    overrides: dict[str, typing.Any] = {
        name: override(rename=wire) for name, wire in _RENAMED.items() if hasattr(fields, name)
    }
    tracks_presence = hasattr(fields, "_present")
    if tracks_presence:
        overrides["_present"] = override(omit=True)
    structure: typing.Callable[[typing.Any, type], typing.Any] = make_dict_structure_fn(
        cls, converter, **overrides
    )
    omitted = {_RENAMED.get(f.name, f.name): None for f in fields if f.default is OMIT}
    set_attribute = object.__setattr__

    def structure_object(value: typing.Any, t: type) -> typing.Any:
        # The generated function reads keys with `in`, so a list would pass as
        # an object with every field missing.
        if not isinstance(value, dict):
            raise TypeError(f"expected an object, got {json_type(value)}")
        # A tuple: quicker to make than a set, small, picklable; it is searched
        # only when the model is encoded again.
        keys = tuple(value) if tracks_presence else None
        # A field the JSON leaves out reads as None on a decoded object.
        if omitted and not omitted.keys() <= value.keys():
            value = {**omitted, **value}
        result = structure(value, t)
        if tracks_presence:
            set_attribute(result, "_present", keys)
        return result

    return make_fast_structure(
        cls,
        converter,
        structure_object,
        renamed=_RENAMED,
        omit=OMIT,
        exact_types=_EXACT_TYPES,
        list_item_type=_LIST_ITEMS.get,
        presence_field="_present" if tracks_presence else None,
        datetime_hook=_structure_datetime if sys.version_info >= (3, 11) else None,
        free_form_hook=_structure_any_object,
    )


# Hooks that return a value of exactly this type unchanged: generated code
# checks the type inline and calls the hook only for anything else.
_EXACT_TYPES: dict[typing.Callable[[typing.Any, typing.Any], typing.Any], type] = {
    _structure_str: str,
    _structure_int: int,
    _structure_float: float,
    _structure_bool: bool,
    # Unions whose string arm comes back as it is.
    _structure_str_list: str,
    _structure_optional_str_list: str,
    _structure_content: str,
    _structure_tool_choice: str,
}


converter.register_unstructure_hook_factory(_is_model, _unstructure_factory)
converter.register_structure_hook_factory(_is_model, _structure_factory)


def _unstructure_model(value: object) -> typing.Any:
    if attrs.has(type(value)):
        data = converter.unstructure(value)
        # Only the SDK's own models are read back: a caller's attrs class (in
        # metadata, say) is sent as its fields, as before, and not built again.
        if _is_model(type(value)):
            _check_wire_form(data, type(value))
            for name in _free_form_fields(type(value)):
                _check_models_within(getattr(value, name), f".{name}")
        return data
    if isinstance(value, FreeformObject):
        return dict(value)
    # As julep 0.3.9 wrote them (pydantic's jsonable_encoder), and as this
    # converter writes them inside a model's metadata: a dict argument and the
    # same data in a model go out alike. orjson writes lists and exact tuples
    # itself; the other arrays (a NamedTuple, a deque, a set) come here.
    if isinstance(value, ARRAYS):
        return list(value)
    if isinstance(value, pathlib.PurePath):
        return str(value)
    if isinstance(value, decimal.Decimal):
        return _plain_decimal(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, _IP_VALUES):
        return str(value)
    if isinstance(value, re.Pattern):
        return value.pattern
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# What else julep 0.3.9's jsonable_encoder (pydantic's encoders) wrote in free-form
# objects: an amount read from a database as a Decimal, a duration, an address.
_IP_VALUES = (
    ipaddress.IPv4Address,
    ipaddress.IPv6Address,
    ipaddress.IPv4Network,
    ipaddress.IPv6Network,
    ipaddress.IPv4Interface,
    ipaddress.IPv6Interface,
)


def _is_big_integer(value: object) -> bool:
    """An int past orjson's 64 bits, or a Decimal written as one (a NUMERIC(20) id
    read from a database): JSON has no integer limit, and 0.3.9 sent both."""
    if isinstance(value, decimal.Decimal):
        exponent = value.as_tuple().exponent
        # 20 digits and more are past 64 bits; fewer are converted to be sure
        # (never a Decimal('1E+999999999'), a gigabyte of digits).
        return (
            isinstance(exponent, int)
            and exponent >= 0
            and (value.adjusted() >= 20 or _bigjson.is_big_int(int(value)))
        )
    return _bigjson.is_big_int(value)


def _plain_decimal(value: decimal.Decimal) -> int | float:
    """A Decimal as 0.3.9 sent it: an int when it has no fraction digits, else a float."""
    if not value.is_finite():  # JSON would carry NaN and infinity as null
        raise TypeError(f"Decimal {value} is not a finite number")
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
        if limit and value.adjusted() >= limit:  # as an int past it: no text, only memory
            raise ValueError(
                f"Decimal of {value.adjusted() + 1} digits: more than Python writes as an"
                f" integer ({limit}, sys.get_int_max_str_digits())"
            )
        return int(value)
    number = float(value)
    if not math.isfinite(number):  # past a float's range: JSON would carry it as null
        raise TypeError(f"Decimal {value} is too large to be sent as a JSON number")
    return number


# The messages of this module's hooks say what the JSON had; cattrs' default
# formatter replaces them with "invalid value for type, expected Union".
_OWN_MESSAGES = (
    "expected ",
    "not an RFC 3339",
    "invalid UTC offset",
    "a content part needs",
)


def format_exception(exc: BaseException, type_: type | None) -> str:
    """One error of a failed decode, for ``cattrs.transform_error``: the hook's own
    message when it has one ("expected an integer, got string"), else cattrs' text."""
    if isinstance(exc, OverflowError):  # float() of an int of 309 digits or more
        return "expected a number a float can hold, got a larger int"
    message = str(exc) if isinstance(exc, (TypeError, ValueError)) else ""
    if message.startswith(_OWN_MESSAGES):
        return message
    # A request model's enum field checks its value when the model is built
    # ("ToolType: expected one of 'function', 'webhook', got 'retrieval'").
    _, colon, rest = message.partition(": ")
    if colon and rest.startswith("expected one of "):
        return message
    return cattrs.v.format_exception(exc, type_)


def describe_error(exc: BaseException) -> str:
    """A failed decode as "message @ $.path" lines joined by "; "."""
    if isinstance(exc, cattrs.BaseValidationError):
        return "; ".join(cattrs.transform_error(exc, format_exception=format_exception))
    return str(exc)


class _WrongFieldTypesError(TypeError):
    """Fields of a model argument holding values of the wrong type: (path in the model, problem)."""

    def __init__(self, problems: list[tuple[str, str]], *, model: str | None = None) -> None:
        super().__init__("; ".join(f"{path}: {problem}" for path, problem in problems))
        self.problems = problems
        # The class whose fields these are, when not the argument's own (a model
        # found in another model's metadata).
        self.model = model


def _flat_wire_form(data: typing.Any) -> dict[str, typing.Any] | None:
    """What writing ``data`` as JSON and reading it back gives, without doing so,
    when it is an object of scalars (a chat message, most settings); else None.

    A str, bool, None, int or finite float reads back as itself, a str enum as
    its value. Anything else (NaN, which JSON writes as null, a list, a nested
    object) takes the real round trip.
    """
    if data.__class__ is not dict:
        return None
    wire = data
    for key, value in data.items():
        kind = value.__class__
        if kind is str or kind is bool or kind is int or value is None:
            continue
        if kind is float and math.isfinite(value):
            continue
        if isinstance(value, enum.Enum) and value.value.__class__ is str:
            if wire is data:
                wire = dict(data)
            wire[key] = value.value
            continue
        return None
    return wire


def _julep_base(cls: type) -> type:
    """The first julep model in ``cls``'s MRO (``cls`` itself for a julep model)."""
    return next(c for c in cls.__mro__ if c.__module__.startswith("julep.") and attrs.has(c))


def _check_wire_form(data: typing.Any, cls: type) -> None:
    """Refuse a model argument whose fields hold values of the wrong type.

    attrs models do not check their fields when built (pydantic did, in julep
    0.3.9): ``InputChatMlMessage(role="user", content=5)`` would go out, for the
    server to refuse. What the model would put on the wire is read back as
    ``cls`` by the converter that reads responses, strict about every field's
    type; a failure names the field before any request is sent. Dicts given in
    place of models go out as they are.
    """
    wire = _flat_wire_form(data)
    if wire is None:
        # What cannot be written at all fails here, for encode_json's walk to name.
        wire = _bigjson.loads(_bigjson.dumps_plain(data, _unstructure_model))
    try:
        try:
            converter.structure(wire, cls)
        except cattrs.errors.StructureHandlerNotFoundError:
            # A caller's subclass with a field of a type no hook reads (object, a
            # class of its own): the fields of the julep model it extends are
            # checked, and its own go out as they are, as julep 0.3.9 sent them.
            converter.structure(wire, _julep_base(cls))
    except (cattrs.BaseValidationError, TypeError, ValueError) as exc:
        if not isinstance(exc, cattrs.BaseValidationError):
            raise _WrongFieldTypesError([("", str(exc) or repr(exc))]) from None
        lines = cattrs.transform_error(exc, path="", format_exception=format_exception)
        problems = [(where, problem) for problem, _, where in (x.rpartition(" @ ") for x in lines)]
        raise _WrongFieldTypesError(problems) from None


# The fields of each model class that hold free-form JSON (metadata, a tool's
# parameters): the converter writes a model found there as a plain dict,
# which the outer model's check then takes as free-form data.
_FREE_FORM_FIELDS: dict[type, tuple[str, ...]] = {}
_FREE_FORM_FIELDS_MAX = 512


def _free_form_fields(cls: type) -> tuple[str, ...]:
    try:
        return _FREE_FORM_FIELDS[cls]
    except KeyError:
        pass
    if len(_FREE_FORM_FIELDS) >= _FREE_FORM_FIELDS_MAX:
        _FREE_FORM_FIELDS.clear()  # classes made on the fly: keep the cache small
    types = _field_types(cls)
    names = tuple(
        field.name
        for field in attrs.fields(cls)
        if not field.name.startswith("_")
        and field.name != "response_info"
        and _holds_any(types.get(field.name))
    )
    _FREE_FORM_FIELDS[cls] = names
    return names


def _holds_any(declared: object) -> bool:
    return declared is typing.Any or any(_holds_any(arg) for arg in typing.get_args(declared))


def _check_models_within(value: object, path: str) -> None:
    """Check each julep model inside free-form data as if it were an argument of
    its own (``CreateDoc(metadata={"s": AgentDefaultSettings(temperature="hot")})``),
    naming its fields from the outer model."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_models_within(item, f"{path}.{key}")
    elif isinstance(value, ORDERED_ARRAYS):
        for index, item in enumerate(value):
            _check_models_within(item, f"{path}[{index}]")
    elif isinstance(value, UNORDERED_ARRAYS):
        for item in value:
            _check_models_within(item, path)
    elif _is_model(type(value)):
        try:
            _unstructure_model(value)
        except _WrongFieldTypesError as inner:
            raise _WrongFieldTypesError(
                [(f"{path}{where}", problem) for where, problem in inner.problems],
                model=inner.model or type(value).__name__,
            ) from None


class RequestBody(dict[str, typing.Any]):
    """A dict given as an operation's ``request=``, the whole body: what fails
    to encode in it is named under ``request``, as in a model given there."""


# What orjson raises for a value nested over 255 levels deep.
_ORJSON_TOO_DEEP = "Recursion limit reached"


def encode_json(value: typing.Any) -> bytes:
    """Encode a JSON value that may hold models anywhere inside (request bodies).

    orjson writes dicts, lists, strings and enums itself and calls back only
    for the models, so plain data is never walked twice. When it fails, the
    error names where in the body the value that can't be written sits.
    """
    try:
        return orjson.dumps(value, default=_unstructure_model)
    except TypeError as exc:
        # A model as the whole body is the operation's request= argument.
        root = "request" if attrs.has(type(value)) or type(value) is RequestBody else ""
        cause = exc.__cause__ or exc
        if cause is exc and str(exc) == _ORJSON_TOO_DEEP:
            # orjson's own limit (255 levels), not JSON's: written by json, as
            # julep 0.3.9 did; what json cannot write either is named below.
            try:
                return _bigjson.dumps(value, _unstructure_model)
            except RecursionError:
                where = root or "the body"
                raise ValueError(f"{where} is nested too deeply to be sent as JSON") from None
            except (TypeError, ValueError):
                pass
        if root and isinstance(cause, _WrongFieldTypesError):
            path, culprit, expected = root, value, None  # the request model's own check
        else:
            path, culprit, expected = _unencodable(value, root)
            if not isinstance(cause, _WrongFieldTypesError) and _is_model(type(culprit)):
                # A model inside another one's free-form field (a CreateDoc's
                # metadata): the outer model wrote it out unchecked, and orjson
                # then refused what it held. Its own check names the field.
                cause = _own_check(culprit, cause)
        # A model field holding the wrong type (an int past a float's range in
        # a float field, too) is named as such, before the JSON-wide big-int rule.
        if _is_big_integer(culprit) and not isinstance(cause, _WrongFieldTypesError):
            # JSON has no integer limit; orjson's is 64 bits (metadata={"n": 2**70}).
            try:
                return _bigjson.dumps(value, _unstructure_model)
            except ValueError as too_long:  # past sys.get_int_max_str_digits()
                where = _too_long_int(value, root)
                raise ValueError(f"{where.lstrip('.') or 'the body'}: {too_long}") from None
        if isinstance(cause, _WrongFieldTypesError):  # a model whose fields have the wrong types
            where = path.lstrip(".")
            raise TypeError(
                "; ".join(
                    f"{where}{inner if inner.startswith(('.', '[')) or not where else '.' + inner}"
                    f": {problem} ({with_article(cause.model or type(culprit).__name__)} field)"
                    for inner, problem in cause.problems
                )
            ) from None
        if isinstance(culprit, str) and not is_utf8(culprit):
            # The right type holding what UTF-8 cannot (a lone surrogate, from
            # bytes decoded with surrogateescape): a value error, as in an id.
            raise ValueError(
                f"{path.lstrip('.') or 'the body'} cannot be sent as JSON ({cause}): "
                f"{culprit[:80]!r}{'...' if len(culprit) > 80 else ''}"
            ) from None
        # Named when it is one class (a model, dict, str); a long union would say nothing.
        where = (
            f" where {with_article(expected.__name__)} goes"
            if isinstance(expected, type) and not isinstance(culprit, expected)
            else ""
        )
        raise TypeError(
            f"{path.lstrip('.') or 'the body'}: {type(culprit).__name__} cannot be sent as JSON"
            f"{where} ({cause}); is a field of the wrong type?"
        ) from cause


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8 (a lone surrogate cannot)."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _own_check(model: typing.Any, cause: BaseException) -> BaseException:
    """The error of ``model``'s own wire check, else ``cause`` (failure path only)."""
    try:
        _unstructure_model(model)
    except _WrongFieldTypesError as own:
        return own
    except (TypeError, ValueError):
        pass
    return cause


def _too_long_int(value: typing.Any, path: str) -> str:
    """Where the first integer Python will not write as text sits (failure path only)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            str(value)
        except ValueError:
            return path
        return ""
    parts: typing.Iterable[tuple[str, typing.Any]] = ()
    if isinstance(value, dict):
        parts = ((f"{path}.{key}", item) for key, item in value.items())
    elif isinstance(value, ARRAYS):
        parts = ((f"{path}[{index}]", item) for index, item in enumerate(value))
    elif attrs.has(type(value)):
        parts = ((f"{path}.{f.name}", getattr(value, f.name)) for f in attrs.fields(type(value)))
    for inner_path, item in parts:
        found = _too_long_int(item, inner_path)
        if found:
            return found
    return ""


def _field_types(cls: type) -> dict[str, typing.Any]:
    try:
        return typing.get_type_hints(cls)
    except Exception:  # an annotation that does not resolve: fall back to the values
        return {}


def _unencodable(value: typing.Any, path: str) -> tuple[str, typing.Any, object]:
    """The innermost part of ``value`` that fails to encode, its path, and the type
    its model field declares, if any (failure path only)."""
    parts: typing.Iterable[tuple[str, typing.Any, object]] = ()
    if isinstance(value, dict):
        bad_keys = [key for key in value if not isinstance(key, str)]
        if bad_keys:
            return f"{path}[{bad_keys[0]!r}] (a key that is not a str)", bad_keys[0], None
        bad_text = [key for key in value if not is_utf8(key)]
        if bad_text:
            return f"{path}[{bad_text[0]!r}] (a key)", bad_text[0], None
        parts = ((f"{path}.{key}", item, None) for key, item in value.items())
    elif isinstance(value, ARRAYS):
        parts = ((f"{path}[{index}]", item, None) for index, item in enumerate(value))
    elif attrs.has(type(value)):
        types = _field_types(type(value))
        parts = (
            (f"{path}.{field.name}", getattr(value, field.name), types.get(field.name))
            for field in attrs.fields(type(value))
            if not field.name.startswith("_")
            and field.name != "response_info"
            and getattr(value, field.name) is not OMIT
        )
    for inner_path, item, declared in parts:
        try:
            # As the model's own hook writes it: by the field's declared type.
            if declared is not None:
                item_json = converter.unstructure(item, unstructure_as=declared)
            else:
                item_json = item
            orjson.dumps(item_json, default=_unstructure_model)
        except (TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc.__cause__, _WrongFieldTypesError) and attrs.has(type(item)):
                return inner_path, item, declared  # the model: its error names its fields
            inner, culprit, expected = _unencodable(item, inner_path)
            if inner == inner_path and expected is None:
                expected = declared  # the field itself: say what it takes
            return inner, culprit, expected
    return path, value, None


def dumps(value: typing.Any) -> bytes:
    """Encode a model, or a JSON value that may contain models, to bytes."""
    return encode_json(converter.unstructure(value))


def loads(data: bytes | str) -> typing.Any:
    """Decode JSON bytes to plain Python values (integers of any size kept exact)."""
    return _bigjson.loads(data)
