"""JSON integers beyond 64 bits, which orjson cannot carry exactly.

orjson reads an integer literal outside the signed/unsigned 64-bit range as a
float, silently (``123456789012345678901234567890`` becomes ``1.2345678901234568e+29``,
``-9223372036854775809`` becomes ``-9223372036854775808`` once made an int again),
and refuses to write one. JSON has no such limit, and Python's ``json`` keeps
them exact, as julep 0.3.9 (httpx, pydantic) did. Documents holding such a
number are rare, so orjson stays the fast path and ``json`` is used only when
a body has a run of 19 or more digits (an integer that may not fit) or when
orjson refuses an integer on the way out.

Responses read into models (``loads_into``) skip even that scan, which costs
about 1 ns a byte: as much as orjson's whole parse of a history listing.
orjson turns such a literal into a float of magnitude 2**63 or more, and only
where a model keeps an integer, or compares one, does that float matter: an
int field, a free-form object, and an epoch datetime (past 3e20 it is the last
datetime, and 3e20 + 1 rounds to 3e20). A float field gets the same float
either way (orjson and ``float(int)`` both round the exact value once), a str
field refuses a number either way, and an unknown key is dropped. So the body
is structured straight from orjson, the hooks of those places call
``check_float``/``check_free_form``, which raise ``SuspectFloatError`` on such a
float, and then the body is read again exactly.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import enum
import json
import math
import typing
import uuid

import orjson

from ._linked_errors import linked_errors

# 19 digits: the shortest literal that may fall outside [-2**63, 2**64 - 1]. Each
# digit becomes "0" and every other byte " ", so such a run is found by bytes'
# own substring search: about 1 ns a byte, where the regex [0-9]{19} took 8 and
# was most of the cost of decoding a chat reply. Large bodies are looked at in
# slices, so the translated copy stays small.
_DIGITS_AS_ZEROS = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_RUN = b"0" * 19
_SLICE = 64 * 1024


# Any 19 consecutive positions hold 4 consecutive multiples of 4, so a run of 19
# digits shows as 4 digits in a row in every 4th byte. Looking at that quarter
# first leaves the whole body unread for almost every document: the digits of
# timestamps and ids never line up that way (a check, not a proof: if they do,
# the whole body is looked at).
_STRIDE = 4
_SAMPLED_RUN = b"0" * (len(_RUN) // _STRIDE)


def _run_in(chunk: bytes) -> bool:
    if _SAMPLED_RUN not in chunk[::_STRIDE].translate(_DIGITS_AS_ZEROS):
        return False
    return _RUN in chunk.translate(_DIGITS_AS_ZEROS)


def _may_hold_big_int(raw: bytes) -> bool:
    """Whether ``raw`` has a run of 19 digits (in a string, too: then it is only slower)."""
    if len(raw) <= _SLICE:
        return _run_in(raw)
    overlap = len(_RUN) - 1  # a run across two slices is seen in the later one
    # Each slice starts at a multiple of _SLICE, itself a multiple of _STRIDE.
    return any(
        _run_in(raw[start : start + _SLICE + overlap]) for start in range(0, len(raw), _SLICE)
    )


def _no_constant(name: str) -> typing.NoReturn:
    # orjson refuses NaN and Infinity; so does the fallback.
    raise ValueError(f"{name} is not valid JSON")


def loads(data: bytes | str) -> typing.Any:
    """``orjson.loads``, with integers of any size kept exact.

    Raises ``orjson.JSONDecodeError`` (a ``ValueError``) on invalid JSON either way.
    """
    raw = data.encode() if isinstance(data, str) else data
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        # orjson refuses an integer of 310 digits or more, which it would read
        # as a float: "number is infinity when parsed as double".
        if "infinity" not in str(exc) or not _may_hold_big_int(raw):
            raise
        return _exact(raw)
    return _exact(raw) if _may_hold_big_int(raw) else value


_T = typing.TypeVar("_T")
# The smallest magnitude of a float orjson makes of an integer literal it
# cannot hold (it holds [-2**63, 2**64 - 1]); a float literal may reach it too.
_SUSPECT = 2.0**63
# Set while structuring a document straight from orjson: only then may a float
# stand for an integer. Anywhere else (a dict given by a caller, a body read by
# ``json``) a float is what it says.
_from_orjson: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "julep_from_orjson", default=False
)


class SuspectFloatError(ValueError):
    """A float that orjson may have read from an integer literal beyond 64 bits."""


def check_float(value: float) -> None:
    """Raise ``SuspectFloatError`` if ``value`` may stand for an integer orjson could not hold."""
    if (value >= _SUSPECT or value <= -_SUSPECT) and _from_orjson.get():
        raise SuspectFloatError(f"{value!r} may be an integer beyond 64 bits read as a float")


def check_free_form(value: object) -> None:
    """``check_float`` on every float in a JSON value, however deep."""
    # A loop, not recursion (free-form JSON may nest 1,000 deep), and no list
    # of pending containers until one holds a container: most hold scalars.
    pending: list[object] | None = None
    item = value
    while True:
        kind = item.__class__
        members: typing.Iterable[object] = (
            typing.cast(dict[str, object], item).values()
            if kind is dict
            else typing.cast(list[object], item)
            if kind is list
            else (item,)
            if kind is float
            else ()
        )
        for member in members:
            kind = member.__class__
            if kind is float:
                if member >= _SUSPECT or member <= -_SUSPECT:  # type: ignore[operator]
                    check_float(typing.cast(float, member))
            elif kind is dict or kind is list:
                if pending is None:
                    pending = [member]
                else:
                    pending.append(member)
        if not pending:
            return
        item = pending.pop()


def loads_into(
    raw: bytes, cls: type[_T], structure: typing.Callable[[typing.Any, type[_T]], _T]
) -> _T:
    """``structure(loads(raw), cls)``, reading the body twice only when a number asks for it.

    Raises ``orjson.JSONDecodeError`` for a body that is not JSON and whatever
    ``structure`` raises for one that is not a ``cls``.
    """
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        if "infinity" not in str(exc) or not _may_hold_big_int(raw):
            raise
        return structure(_exact(raw), cls)
    token = _from_orjson.set(True)
    try:
        return structure(data, cls)
    except Exception as first:
        failure = first
    finally:
        _from_orjson.reset(token)
    # A hook met a suspect float, or the document is not a ``cls`` (or both):
    # structured again from an exact reading, which raises the error if there
    # is one. Without a run of 19 digits, orjson's reading was exact.
    try:
        exact = _exact(raw) if _may_hold_big_int(raw) else data
    except orjson.JSONDecodeError as unreadable:  # json's recursion limit is below orjson's
        if _suspected(failure):
            # The first failure is only this module's flag: what stands in the
            # way is the exact reading, which the caller is told about instead
            # of "metadata is not an object" and a SuspectFloatError.
            raise ValueError(
                "it nests too deeply for a number beyond 64 bits in it to be read "
                f"exactly ({unreadable})"
            ) from None
        raise failure from None
    return structure(exact, cls)


def _suspected(error: BaseException) -> bool:
    """Whether ``error``, or an error linked to it, is a ``SuspectFloatError``."""
    return any(isinstance(linked, SuspectFloatError) for linked in linked_errors(error))


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):  # 1e400: orjson refuses it too
        raise ValueError(f"number is infinity when parsed as double: {text[:40]}")
    return number


def _exact(raw: bytes) -> typing.Any:
    """``raw`` read by ``json``, which keeps integers of any size."""
    try:
        return json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as exc:
        raise orjson.JSONDecodeError(str(exc), raw.decode("utf-8", "replace"), 0) from exc


def _plain(value: typing.Any) -> typing.Any:
    """What orjson writes natively but ``json`` does not."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _refuse_non_str_keys(value: typing.Any) -> None:
    """Raise as orjson does for a dict key that is not a str: ``json`` would write
    ``{1: x}`` as ``{"1": x}`` (and ``None`` as ``"null"``), another object."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, inner in item.items():
                if not isinstance(key, str):
                    raise TypeError("Dict key must be str")
                stack.append(inner)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)


def dumps(value: typing.Any, default: typing.Callable[[typing.Any], typing.Any] | None) -> bytes:
    """``json.dumps`` as compact UTF-8 bytes, for a value orjson refused over a big integer."""

    def fallback(item: typing.Any) -> typing.Any:
        try:
            plain = _plain(item)
        except TypeError:
            if default is None:
                raise
            plain = default(item)
        _refuse_non_str_keys(plain)
        return plain

    _refuse_non_str_keys(value)
    return json.dumps(
        value, default=fallback, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def is_big_int(value: object) -> bool:
    """An int orjson cannot write (outside [-2**63, 2**64 - 1])."""
    return (
        isinstance(value, int) and not isinstance(value, bool) and not (-(2**63) <= value < 2**64)
    )


def dumps_plain(
    value: typing.Any, default: typing.Callable[[typing.Any], typing.Any] | None = None
) -> bytes:
    """``orjson.dumps(value, default=default)``, with integers beyond 64 bits written exactly.

    Anything else orjson refuses is refused again, by the fallback.
    """
    try:
        return orjson.dumps(value, default=default)
    except TypeError:
        return dumps(value, default)
