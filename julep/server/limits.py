"""Bounds on what a request body may hold, so whatever is stored can be read back and
no single request can make the server work for long.

Checked on the decoded JSON before it is structured; each breach is a 422
that names the field (``messages``, ``metadata.a.b``...):

- nesting deeper than ``MAX_DEPTH`` anywhere (orjson cannot write more than
  254 levels, so deeper metadata could be stored but never listed again);
- a free-form object (metadata, a function's parameters, a response schema)
  longer than ``MAX_FREEFORM_BYTES`` as JSON;
- a list longer than its ``MAX_ITEMS`` entry (a chat of 540,000 messages, a
  ``/v1/completions`` request of a million prompts, each answered in turn);
- a ``name`` longer than ``MAX_NAME_CHARS``.
"""

from __future__ import annotations

import typing

from .. import _bigjson
from .errors import RequestError, invalid

MAX_DEPTH = 64
MAX_FREEFORM_BYTES = 64 * 1024
MAX_NAME_CHARS = 256
MAX_CHAT_MESSAGES = 2_000
MAX_PROMPTS = 128  # prompts of one /v1/completions request (one backend call each)
MAX_ITEMS = {
    "messages": MAX_CHAT_MESSAGES,
    "prompt": MAX_PROMPTS,
    "tools": 128,
    "docs": 1_000,
    "instructions": 1_000,
    "content": 1_000,  # parts of one message, or strings of one doc
}
# Objects whose keys are the user's, not the API's: their insides are not read as fields.
FREEFORM = frozenset({"metadata", "parameters", "schema", "logit_bias", "entities"})


def check(value: object) -> None:
    """Raise a 422 naming the first field of ``value`` (a decoded body) beyond a bound."""
    _walk(value, "", 1)


def too_deep(value: object) -> bool:
    """Whether ``value`` (decoded JSON) nests deeper than ``MAX_DEPTH`` levels."""
    try:
        _depth_only(value, "", 1)
    except RequestError:
        return True
    return False


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _walk(value: object, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise invalid(f"{path or 'body'}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for name, item in value.items():
            where = _join(path, name)
            if name in FREEFORM and isinstance(item, (dict, list)):
                _walk_freeform(item, where, depth + 1)
            elif name == "name" and isinstance(item, str) and len(item) > MAX_NAME_CHARS:
                raise invalid(f"{where}: at most {MAX_NAME_CHARS} characters, got {len(item)}")
            else:
                if isinstance(item, list) and len(item) > MAX_ITEMS.get(name, len(item)):
                    raise invalid(f"{where}: at most {MAX_ITEMS[name]} items, got {len(item)}")
                _walk(item, where, depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk(item, f"{path}[{index}]", depth + 1)


def _walk_freeform(value: dict[str, typing.Any] | list[typing.Any], path: str, depth: int) -> None:
    _depth_only(value, path, depth)
    size = len(_bigjson.dumps_plain(value))
    if size > MAX_FREEFORM_BYTES:
        raise invalid(f"{path}: at most {MAX_FREEFORM_BYTES} bytes as JSON, got {size}")


def _depth_only(value: object, path: str, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise invalid(f"{path}: nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, dict):
        for name, item in value.items():
            if isinstance(item, (dict, list)):
                _depth_only(item, _join(path, str(name)), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                _depth_only(item, f"{path}[{index}]", depth + 1)
