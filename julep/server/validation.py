"""Structuring a JSON body into a request class, with errors a person can act on.

The SDK's converter decodes enum fields that may come back in responses
leniently (a value it does not know becomes a pseudo-member); a server must be
strict, so this module rejects unknown enum values after structuring. Every
message names the field as it is on the wire (``messages[0].continue``, not
``continue_``).
"""

from __future__ import annotations

import enum
import functools
import typing

import attrs
import cattrs

from .._serde import converter, json_type
from . import ranges, schemas
from .errors import invalid

T = typing.TypeVar("T")

# The SDK's attribute names that differ from the JSON's.
WIRE_NAMES = {"continue_": "continue", "schema_": "schema"}
_NOT_AN_OBJECT = "expected an object"


@functools.cache
def _holds(hint: object, kind: type) -> bool:
    """Whether a value of type ``hint`` may hold a ``kind`` (an Enum) anywhere inside."""
    if typing.get_origin(hint) is not None:  # list[...], dict[...], unions, Literal
        return any(_holds(arg, kind) for arg in typing.get_args(hint))
    if not isinstance(hint, type):
        return False
    if hint is kind or (kind is enum.Enum and issubclass(hint, enum.Enum)):
        return True
    return attrs.has(hint) and any(_holds(field_hint, kind) for _, _, field_hint in _fields(hint))


@functools.cache
def _fields(cls: type) -> tuple[tuple[str, str, object], ...]:
    """(attribute name, wire name, type) of each field of an attrs class."""
    hints = typing.get_type_hints(cls)
    return tuple(
        (field.name, WIRE_NAMES.get(field.name, field.name), hints[field.name])
        for field in attrs.fields(cls)
        if field.init
    )


@functools.cache
def _fields_holding(cls: type, kind: type) -> tuple[tuple[str, str, object], ...]:
    return tuple(field for field in _fields(cls) if _holds(field[2], kind))


def _unknown_enums(value: object, path: str) -> typing.Iterator[str]:
    if isinstance(value, enum.Enum):
        if value.value not in type(value)._value2member_map_:
            allowed = ", ".join(repr(member.value) for member in type(value))
            yield f"{path}: expected one of {allowed}, got {value.value!r}"
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _unknown_enums(item, f"{path}[{index}]")
    elif attrs.has(cls := type(value)):
        for name, wire, _ in _fields_holding(typing.cast(type, cls), enum.Enum):
            yield from _unknown_enums(getattr(value, name), f"{path}.{wire}" if path else wire)


# A strict enum converter (models/_convert.py) fails in the __init__ of its class, so
# cattrs reports it at the object, as "<EnumClass>: expected one of ...": the field it
# belongs to, by enum class.
_STRICT_ENUM_FIELDS = {
    "InputChatMlMessageRole": "role",
    "ChatSettingsPreset": "preset",
    "ChatSettingsResponseFormatType": "type",
    "ToolType": "type",
}
_PART_TYPES = ("text", "image_url")


def _unknown_parts(value: object) -> typing.Iterator[str]:
    """Content parts whose ``type`` is neither text nor image_url.

    The SDK's converter keeps such a part as a plain dict (a response may hold
    parts of types added later); stored, it would make julep 0.3.9 fail to read
    the session's history ever after.
    """
    if not isinstance(value, schemas.ChatRequest):
        return
    allowed = " or ".join(repr(name) for name in _PART_TYPES)
    for index, message in enumerate(value.messages):
        if isinstance(message.content, list):
            for part_index, part in enumerate(message.content):
                if isinstance(part, dict):
                    yield (
                        f"messages[{index}].content[{part_index}].type: expected {allowed},"
                        f" got {part.get('type')!r}"
                    )


def _wire_path(path: str) -> str:
    # cattrs paths look like "$.messages[0].continue_"; show them as JSON would.
    path = path.removeprefix("$").removeprefix(".")
    for python_name, wire_name in WIRE_NAMES.items():
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
        enum_name, _, rest = message.partition(": ")
        if enum_name in _STRICT_ENUM_FIELDS and rest.startswith("expected one of"):
            field = _STRICT_ENUM_FIELDS[enum_name]
            where, message = (f"{where}.{field}" if where else field), rest
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
    try:
        result = converter.structure(data, cls)
    except Exception as exc:  # cattrs wraps what the hooks and attrs validators raise
        raise invalid(validation_detail(exc)) from None
    unknown = [*_unknown_enums(result, ""), *_unknown_parts(result), *ranges.problems(result)]
    if unknown:
        raise invalid("; ".join(unknown))
    return result
