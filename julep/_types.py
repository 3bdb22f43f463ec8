"""Sentinels and aliases shared by the models and the client."""

from __future__ import annotations

import typing


class _Omit:
    """Marks an optional argument the caller did not pass.

    An omitted argument is left out of the JSON body, while an explicit ``None``
    is sent as ``null`` (a PATCH reads ``null`` as "leave unchanged": on the local
    server, and the API of 0.3.x, the two have the same effect there).
    """

    __slots__ = ()
    _instance: typing.ClassVar[_Omit | None] = None

    def __new__(cls) -> _Omit:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "OMIT"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "OMIT"


# Typed as Any, as in julep 0.3.x, so `x: str | None = OMIT` type-checks.
OMIT: typing.Any = _Omit()

JSONObject = dict[str, typing.Any]
