"""Bases shared by every model: presence tracking, response bookkeeping, free-form objects."""

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
class Model:
    """Every attrs model of the API.

    ``_present`` holds the wire keys of the JSON object a model was decoded
    from (``None`` on a model built in code). Encoding a decoded model writes
    those keys, plus any other field the caller set to a value, so an object
    read from the API and sent back says what it received: absent stays absent,
    ``null`` stays ``null`` (pydantic's "fields set").

    It is an ``__init__`` argument only so that ``attrs.evolve`` carries it to
    the copy; nobody needs to pass it. It takes no part in equality or repr.
    """

    _present: tuple[str, ...] | None = attrs.field(
        default=None, eq=False, repr=False, alias="_present"
    )


@attrs.frozen(kw_only=True)
class ResponseModel(Model):
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
