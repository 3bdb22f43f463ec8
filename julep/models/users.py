"""Users."""

from __future__ import annotations

import datetime as dt
import typing

import attrs

from ._base import FreeformObject, ResponseModel


class UserMetadata(FreeformObject):
    __slots__ = ()


class CreateUserRequestMetadata(FreeformObject):
    __slots__ = ()


class UpdateUserRequestMetadata(FreeformObject):
    __slots__ = ()


class PatchUserRequestMetadata(FreeformObject):
    __slots__ = ()


@attrs.frozen(kw_only=True)
class User(ResponseModel):
    id: str
    name: str | None = None
    about: str | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    metadata: dict[str, typing.Any] | None = None


@attrs.frozen(kw_only=True)
class ListUsersResponse(ResponseModel):
    items: list[User]
