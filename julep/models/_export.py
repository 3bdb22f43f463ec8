"""Models as plain dicts: julep 0.3.9's ``.dict()`` idiom and a JSON-safe export.

0.3.9's pydantic v1 models answered ``.dict()`` with wire names (``continue``,
``schema``) and only the fields that were set, keeping datetimes and enum
members as Python objects; ``.json()`` was that, as JSON text. The same
keyword arguments work here. ``to_dict()`` is the same export with every value
JSON-safe (RFC 3339 strings, enum values), ready for ``json.dumps``.

"Set" means what the SDK sends: the fields a decoded model was received with
plus any changed since, or the fields given to a model built in code.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import typing

import attrs

from .._types import OMIT

# include/exclude as pydantic v1 takes them: a set of names, or a dict from
# names (or list indices, or "__all__") to a nested selection, ``...`` or True.
Selection = typing.Union[typing.AbstractSet[typing.Any], typing.Mapping[typing.Any, typing.Any]]

WIRE_NAMES = {"continue_": "continue", "schema_": "schema"}
# Fields of a model that are not data: never encoded, exported or compared.
BOOKKEEPING = frozenset({"response_info", "_present"})
# Field metadata of a field with a default here that julep 0.3.9 required (a
# union member's "type", ChatResponse.doc_ids): exclude_defaults keeps it, as
# pydantic v1 never counted a required field as left at its default.
REQUIRED_IN_0_3_9 = {"required_in_0_3_9": True}


def iso_datetime(value: dt.datetime) -> str:
    """A datetime as RFC 3339 text; a naive one is taken as UTC.

    RFC 3339 offsets are hours and minutes: a zone's offset with seconds (the
    local mean times zoneinfo gives dates before about 1900, 'Europe/Amsterdam'
    until 1937) is written as the same instant in UTC, not as '+00:19:32'.
    """
    offset = value.utcoffset()
    if offset is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    elif offset.seconds % 60 or offset.microseconds:
        with contextlib.suppress(OverflowError):  # at year 1 or 9999, as it is
            value = value.astimezone(dt.timezone.utc)
    return value.isoformat()


@attrs.frozen(kw_only=True)
class Options:
    """How to export: what ``.dict()`` and ``to_dict()`` were asked for."""

    json_safe: bool
    by_alias: bool = True
    exclude_unset: bool = True
    exclude_defaults: bool = False
    exclude_none: bool = False


def is_set(model: typing.Any, field: attrs.Attribute[typing.Any], value: object) -> bool:
    """Whether a field counts as set: it would be written to the wire."""
    present = model._present
    if present is None:
        # Built in code: what was given. An optional response field left at
        # its default None was not given (julep 0.3.9's exclude_unset).
        return value is not OMIT and not (value is None and field.default is None)
    if WIRE_NAMES.get(field.name, field.name) in present:
        return True
    if value is None or value is OMIT:
        return False
    # An absent field holds its default: a constant, or what its factory makes.
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return bool(value != default.factory())  # type: ignore[union-attr]
    return not (value is default or (type(value) is type(default) and value == default))


def export_model(
    model: typing.Any, options: Options, include: object, exclude: object
) -> dict[str, typing.Any]:
    """A model as a dict; ``include`` and ``exclude`` checked first."""
    for name, selection in (("include", include), ("exclude", exclude)):
        if selection is not None and not isinstance(
            selection, (typing.AbstractSet, typing.Mapping)
        ):
            raise TypeError(
                f"{name} must be a set of field names or a dict of them, "
                f"got {type(selection).__name__}: {selection!r}"
            )
    return _model(model, options, include, exclude)


def export(
    value: typing.Any, options: Options, include: object = None, exclude: object = None
) -> typing.Any:
    """``value`` with models turned into dicts, copied all the way down."""
    if include is None and exclude is None and isinstance(value, (list, tuple, dict)):
        return _export_tree(value, options)
    if attrs.has(type(value)) and hasattr(value, "_present"):
        return _model(value, options, include, exclude)
    if isinstance(value, (list, tuple)):
        return [
            export(item, options, _nested(include, index), _nested(exclude, index))
            for index, item in enumerate(value)
            if _kept(index, include, exclude)
        ]
    if isinstance(value, dict):
        return {
            key: export(item, options, _nested(include, key), _nested(exclude, key))
            for key, item in value.items()
            if _kept(key, include, exclude)
        }
    if options.json_safe:
        if isinstance(value, dt.datetime):
            return iso_datetime(value)
        if isinstance(value, enum.Enum):
            return value.value
    return value


_LEAVE = object()  # on the walk's stack: the container whose id follows is done


def _export_tree(
    value: list[typing.Any] | tuple[typing.Any, ...] | dict[typing.Any, typing.Any],
    options: Options,
) -> typing.Any:
    """``export`` of nested lists and dicts without a selection, walked without recursion.

    Free-form data (metadata) may be nested as deep as a response's JSON can be
    (orjson reads 1023 levels); walked recursively, two frames a level, such a
    model decoded fine and then raised RecursionError from ``.dict()``. A
    container that holds itself is refused with ValueError.
    """
    root: list[typing.Any] = [None]
    inside: set[int] = set()  # the containers being copied: a cycle meets one again
    stack: list[tuple[typing.Any, typing.Any, typing.Any]] = [(value, root, 0)]
    while stack:
        item, parent, key = stack.pop()
        if item is _LEAVE:
            inside.discard(parent)
            continue
        children: typing.Iterable[tuple[typing.Any, typing.Any]]
        if isinstance(item, (list, tuple)):
            copy: typing.Any = [None] * len(item)
            children = enumerate(item)
        elif isinstance(item, dict):
            copy = dict.fromkeys(item)  # the keys in their order, filled below
            children = item.items()
        else:
            parent[key] = export(item, options)  # a model, a datetime, an enum, a scalar
            continue
        if id(item) in inside:
            raise ValueError(f"a {type(item).__name__} holds itself: it cannot be exported")
        inside.add(id(item))
        parent[key] = copy
        stack.append((_LEAVE, id(item), None))
        stack.extend((child, copy, index) for index, child in children)
    return root[0]


def _model(
    model: typing.Any, options: Options, include: object, exclude: object
) -> dict[str, typing.Any]:
    out: dict[str, typing.Any] = {}
    for field in attrs.fields(type(model)):
        name = field.name
        if name in BOOKKEEPING:
            continue
        wire = WIRE_NAMES.get(name, name)
        # Selections name fields as pydantic did (continue_); wire names work too.
        key = name if _mentions(include, name) or _mentions(exclude, name) else wire
        if not _kept(key, include, exclude):
            continue
        value = getattr(model, name)
        if options.exclude_unset and not is_set(model, field, value):
            continue
        if value is OMIT:
            value = None
        if options.exclude_none and value is None:
            continue
        if options.exclude_defaults and _is_default(field, value):
            continue
        out[wire if options.by_alias else name] = export(
            value, options, _nested(include, key), _nested(exclude, key)
        )
    return out


def _is_default(field: attrs.Attribute[typing.Any], value: object) -> bool:
    if field.metadata.get("required_in_0_3_9"):
        return False
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()  # type: ignore[union-attr]
    elif default is OMIT:
        default = None
    return bool(value == default) and default is not attrs.NOTHING


def _mentions(selection: object, key: object) -> bool:
    return isinstance(selection, (typing.AbstractSet, typing.Mapping)) and key in selection


def _kept(key: object, include: object, exclude: object) -> bool:
    if include is not None and not _mentions(include, key) and not _mentions(include, "__all__"):
        return False
    if isinstance(exclude, typing.Mapping):
        whole = exclude.get(key, exclude.get("__all__"))
        return not (whole is ... or whole is True)
    return not (exclude is not None and _mentions(exclude, key))


def _nested(selection: object, key: object) -> object:
    """The part of a selection that applies inside ``key``; None selects everything."""
    if not isinstance(selection, typing.Mapping):
        return None
    inner = selection.get(key, selection.get("__all__"))
    return None if inner is ... or inner is True else inner
