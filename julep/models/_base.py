"""Bases shared by every model: response bookkeeping and free-form objects."""

from __future__ import annotations

import typing

import attrs


@attrs.frozen(kw_only=True)
class ResponseInfo:
    """What the transport knew about the response a model was decoded from."""

    status_code: int
    request_id: str | None
    retries_taken: int
    elapsed: float


@attrs.frozen(kw_only=True)
class ResponseModel:
    """A model decoded from a response body.

    ``response_info`` is filled in by the client after decoding; it is never
    part of the JSON, nor of equality or repr.
    """

    response_info: ResponseInfo | None = attrs.field(default=None, init=False, eq=False, repr=False)


class FreeformObject(dict[str, typing.Any]):
    """A JSON object with arbitrary keys (metadata, JSON schemas, entities).

    julep 0.3.x typed these as empty models and silently dropped their
    contents; here they are plain dicts, so nothing is lost in either
    direction, and ``AgentMetadata(k="v")`` still works as a constructor.
    """

    __slots__ = ()
