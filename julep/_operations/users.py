"""Users: list, create, get, update (PUT), patch (PATCH), delete."""

from __future__ import annotations

import typing

from .. import _params as p
from .._base_client import BaseAsyncClient
from .._pagination import paginate_items
from .._types import OMIT, JSONObject
from ..models import (
    CreateDoc,
    Doc,
    ListUsersResponse,
    ResourceCreatedResponse,
    ResourceUpdatedResponse,
    User,
)


class UserOperations(BaseAsyncClient):
    async def list_users(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> ListUsersResponse:
        """List users, newest first unless ``sort_by``/``order`` say otherwise."""
        query = p.list_query(limit, offset, metadata_filter, sort_by, order)
        return await self._request("GET", "users", ListUsersResponse, query=query)

    async def create_user(
        self,
        *,
        name: str | None = OMIT,
        about: str | None = OMIT,
        docs: typing.Sequence[CreateDoc | Doc | JSONObject] | None = OMIT,
        metadata: JSONObject | None = OMIT,
    ) -> ResourceCreatedResponse:
        """Create a user; every field is optional."""
        return await self._request(
            "POST",
            "users",
            ResourceCreatedResponse,
            json=_user_body(
                name=name, about=about, metadata=metadata, docs=p.models("docs", CreateDoc, docs)
            ),
        )

    async def get_user(self, user_id: str) -> User:
        """Fetch one user."""
        return await self._request("GET", f"users/{p.path_id('user_id', user_id)}", User)

    async def update_user(
        self,
        user_id: str,
        *,
        about: str,
        name: str,
        metadata: JSONObject | None = OMIT,
    ) -> ResourceUpdatedResponse:
        """Replace a user (PUT): ``metadata`` left out becomes empty."""
        path = f"users/{p.path_id('user_id', user_id)}"
        p.check_str("about", about)
        p.check_str("name", name)
        return await self._request(
            "PUT",
            path,
            ResourceUpdatedResponse,
            json=_user_body(about=about, name=name, metadata=metadata),
        )

    async def patch_user(
        self,
        user_id: str,
        *,
        about: str | None = OMIT,
        name: str | None = OMIT,
        metadata: JSONObject | None = OMIT,
    ) -> ResourceUpdatedResponse:
        """Change only the given fields (PATCH); ``metadata`` is merged key by key."""
        path = f"users/{p.path_id('user_id', user_id)}"
        return await self._request(
            "PATCH",
            path,
            ResourceUpdatedResponse,
            json=_user_body(about=about, name=name, metadata=metadata),
        )

    async def delete_user(self, user_id: str) -> None:
        """Delete a user if it exists: only the user (its sessions, docs and memories stay)."""
        await self._request("DELETE", f"users/{p.path_id('user_id', user_id)}", None)

    def iter_users(
        self,
        *,
        page_size: int = 100,
        metadata_filter: str | JSONObject | None = None,
        sort_by: p.SortByArg | None = None,
        order: p.OrderArg | None = None,
    ) -> typing.AsyncIterator[User]:
        """Every user, fetched ``page_size`` at a time."""
        p.list_query(None, None, metadata_filter, sort_by, order)
        filters = {"metadata_filter": metadata_filter, "sort_by": sort_by, "order": order}
        return paginate_items(self.list_users, page_size, **filters)


def _user_body(*, name: object, about: object, metadata: object, **fields: object) -> JSONObject:
    p.check_str("name", name, optional=True)
    p.check_str("about", about, optional=True)
    p.check_object("metadata", metadata)
    return p.body(name=name, about=about, metadata=metadata, **fields)
