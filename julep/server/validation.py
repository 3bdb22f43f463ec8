"""Structuring a JSON body into a request class, with errors a person can act on.

The SDK's converter decodes leniently (an enum value it does not know becomes
a pseudo-member, a string where a list belongs is iterated); a server must be
strict, so this module checks the top-level shapes before structuring and
rejects unknown enum values after it. Every message names the field as it is
on the wire (``messages[0].continue``, not ``continue_``).
"""

from __future__ import annotations

import enum
import functools
import types
import typing

import attrs
import cattrs

from .._serde import converter
from .errors import invalid

T = typing.TypeVar("T")

_WIRE_NAMES = {"continue_": "continue", "schema_": "schema"}
_NOT_AN_OBJECT = "expected an object"
_JSON_TYPES = {
    dict: "object",
    list: "array",
    str: "string",
    int: "integer",
    float: "number",
    bool: "boolean",
    type(None): "null",
}


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _container(hint: object) -> type | None:
    """``list`` or ``dict`` when every non-null arm of ``hint`` is that container."""
    arms = (
        typing.get_args(hint)
        if typing.get_origin(hint) in (typing.Union, types.UnionType)
        else (hint,)
    )
    kinds = {
        dict if attrs.has(arm) else typing.get_origin(arm) or arm
        for arm in arms
        if arm is not type(None)
    }
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind in (list, dict):
            return typing.cast(type, kind)
    return None


@functools.cache
def _containers(cls: type) -> dict[str, type]:
    hints = typing.get_type_hints(cls)
    shapes = {}
    for field in attrs.fields(cls):
        kind = _container(hints[field.name])
        if kind is not None:
            shapes[_WIRE_NAMES.get(field.name, field.name)] = kind
    return shapes


_ARTICLED: dict[type, str] = {list: "an array", dict: "an object"}


def _check_shapes(data: dict[str, object], cls: type) -> None:
    problems = [
        f"{name}: expected {_ARTICLED[kind]}, got {json_type(data[name])}"
        for name, kind in _containers(cls).items()
        if data.get(name) is not None and not isinstance(data[name], kind)
    ]
    if problems:
        raise invalid("; ".join(problems))


def _unknown_enums(value: object, path: str) -> typing.Iterator[str]:
    if isinstance(value, enum.Enum):
        if value.value not in type(value)._value2member_map_:
            allowed = ", ".join(repr(member.value) for member in type(value))
            yield f"{path}: expected one of {allowed}, got {value.value!r}"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unknown_enums(item, f"{path}[{index}]")
    elif attrs.has(type(value)):
        for field in attrs.fields(typing.cast("type[attrs.AttrsInstance]", type(value))):
            name = _WIRE_NAMES.get(field.name, field.name)
            yield from _unknown_enums(
                getattr(value, field.name), f"{path}.{name}" if path else name
            )


def _wire_path(path: str) -> str:
    # cattrs paths look like "$.messages[0].continue_"; show them as JSON would.
    path = path.removeprefix("$").removeprefix(".")
    for python_name, wire_name in _WIRE_NAMES.items():
        path = path.replace(python_name, wire_name)
    return path


def _describe(exc: BaseException, _type: type | None) -> str:
    if isinstance(exc, KeyError):
        return "field required"
    message = str(exc)
    if isinstance(exc, TypeError) and "indices must be integers" in message:
        return _NOT_AN_OBJECT
    if isinstance(exc, (TypeError, ValueError)) and message:
        return message
    return f"invalid value ({type(exc).__name__})"


def validation_detail(exc: Exception) -> str:
    """One line naming each bad field, e.g. ``name: expected a string, got int``."""
    problems: dict[str, None] = {}  # ordered and without repeats
    for line in cattrs.transform_error(exc, format_exception=_describe):
        message, _, path = line.rpartition(" @ ")
        where = _wire_path(path)
        if message == _NOT_AN_OBJECT:
            # Reading a field of a non-object failed: the parent is what is wrong.
            where = where.rpartition(".")[0]
        # Validators of the class itself already name their field.
        problems[f"{where}: {message}" if where else message] = None
    return "; ".join(problems)


def structure(data: object, cls: type[T]) -> T:
    """``data`` (decoded JSON) as a ``cls``; any mismatch is a 422 naming the fields."""
    if not isinstance(data, dict):
        raise invalid(f"body: expected a JSON object, got {json_type(data)}")
    _check_shapes(data, cls)
    try:
        result = converter.structure(data, cls)
    except Exception as exc:  # cattrs wraps what the hooks and attrs validators raise
        raise invalid(validation_detail(exc)) from None
    unknown = list(_unknown_enums(result, ""))
    if unknown:
        raise invalid("; ".join(unknown))
    return result
