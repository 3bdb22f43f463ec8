"""Documents attached to agents and users."""

from __future__ import annotations

import datetime as dt
import typing

import attrs

from .._types import OMIT
from ._base import FreeformObject, Model, ResponseModel

CreateDocContent = typing.Union[str, list[str]]
DocContent = CreateDocContent


class CreateDocMetadata(FreeformObject):
    __slots__ = ()


class DocMetadata(FreeformObject):
    __slots__ = ()


@attrs.frozen(kw_only=True)
class CreateDoc(Model):
    title: str
    content: CreateDocContent
    metadata: dict[str, typing.Any] | None = OMIT


@attrs.frozen(kw_only=True)
class Doc(ResponseModel):
    id: str
    title: str
    content: DocContent
    created_at: dt.datetime
    metadata: dict[str, typing.Any] | None = None


@attrs.frozen(kw_only=True)
class DocIds(Model):
    agent_doc_ids: list[str]
    user_doc_ids: list[str]


@attrs.frozen(kw_only=True)
class GetAgentDocsResponse(ResponseModel):
    items: list[Doc] | None = None


@attrs.frozen(kw_only=True)
class GetUserDocsResponse(ResponseModel):
    items: list[Doc] | None = None
