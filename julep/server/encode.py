"""Response bodies as the spec has them: an optional field without a value is left out.

The SDK's converter writes every attribute, so an unset ``Session.user_id``
would go out as ``null``, which the spec allows nowhere in a response. This
drops each model attribute that is ``None`` while keeping free-form objects
(metadata, JSON schemas) exactly as stored, nulls inside them included.
"""

from __future__ import annotations

import typing

import attrs

from .. import _bigjson
from .._serde import converter
from .validation import WIRE_NAMES


def response_json(model: object) -> bytes:
    """``model`` (a response model, or a list of them) as JSON without unset fields."""
    return _bigjson.dumps_plain(_present(model, converter.unstructure(model)))


def _present(value: object, data: typing.Any) -> typing.Any:
    if isinstance(data, dict) and attrs.has(type(value)):
        for field in attrs.fields(typing.cast("type[attrs.AttrsInstance]", type(value))):
            wire = WIRE_NAMES.get(field.name, field.name)
            if wire not in data:
                continue
            item = getattr(value, field.name)
            if item is None:
                del data[wire]
            else:
                data[wire] = _present(item, data[wire])
    elif isinstance(data, list) and isinstance(value, (list, tuple)):
        return [_present(item, part) for item, part in zip(value, data, strict=True)]
    return data
