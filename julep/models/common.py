"""Responses to create, update and delete calls, and job status."""

from __future__ import annotations

import datetime as dt

import attrs

from ._base import ResponseModel
from .enums import JobStatusState


@attrs.frozen(kw_only=True)
class ResourceCreatedResponse(ResponseModel):
    id: str
    created_at: dt.datetime
    jobs: list[str] | None = None


@attrs.frozen(kw_only=True)
class ResourceUpdatedResponse(ResponseModel):
    id: str
    updated_at: dt.datetime
    jobs: list[str] | None = None


@attrs.frozen(kw_only=True)
class ResourceDeletedResponse(ResponseModel):
    id: str
    deleted_at: dt.datetime
    jobs: list[str] | None = None


@attrs.frozen(kw_only=True)
class JobStatus(ResponseModel):
    id: str
    name: str
    created_at: dt.datetime
    state: JobStatusState
    reason: str | None = None
    updated_at: dt.datetime | None = None
    has_progress: bool | None = None
    progress: float | None = None
