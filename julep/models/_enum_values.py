"""Reading enum values leniently (responses) or strictly (arguments)."""

from __future__ import annotations

import enum
import typing

from .._shown import shown

_E = typing.TypeVar("_E", bound=enum.Enum)


def lenient_enum(cls: type[_E], value: object) -> _E:
    """Decode an enum value, keeping values this SDK does not know yet."""
    # The members' own table first: calling the enum class costs ten times more.
    known = cls._value2member_map_.get(value)
    if known is not None:
        return typing.cast(_E, known)
    if isinstance(value, enum.Enum) and not isinstance(value, cls):
        value = value.value  # a value of another enum (a ChatMlMessageRole as an input role)
    try:
        return cls(value)
    except ValueError:
        if not isinstance(value, str):
            raise
        # A pseudo-member: an instance of the enum that is not in its members.
        member: _E = str.__new__(typing.cast(typing.Any, cls), value)
        member._value_ = value
        member._name_ = value.upper()
        return member


def strict_enum(cls: type[_E], value: object) -> _E:
    """Accept a member or its plain value; anything else is a ValueError.

    A pseudo-member made by ``lenient_enum`` is an instance of the enum but not
    one of its members, so it is refused here too.
    """
    if isinstance(value, cls) and cls._value2member_map_.get(value.value) is value:
        return value
    try:
        return cls(value.value if isinstance(value, cls) else value)
    except ValueError:
        allowed = ", ".join(repr(m.value) for m in cls)
        given = value.value if isinstance(value, enum.Enum) else value  # not a member's repr
        raise ValueError(f"expected one of {allowed}, got {shown(given)}") from None
