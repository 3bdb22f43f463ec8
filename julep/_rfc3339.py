"""RFC 3339 timestamps, parsed the same way on every Python version.

``datetime.fromisoformat`` cannot be trusted for this: on Python 3.10 it
rejects ``Z``, fractions of other than 3 or 6 digits and ``+0000``; later
versions accept those but also much that is not RFC 3339. This parser takes

- ``T``, ``t`` or a space between date and time (RFC 3339, section 5.6 note);
- a fraction of any number of digits, ``.`` or ``,`` (truncated to microseconds);
- ``Z``, ``z``, ``±hh:mm``, ``±hhmm`` or ``±hh``; no offset means UTC, as does
  ``-00:00`` ("offset unknown");
- second ``60`` (a leap second), read as the last microsecond of second 59,
  since ``datetime`` has no leap seconds;
- a bare date, as midnight UTC (what this SDK accepted before).
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["parse_datetime"]

_PATTERN = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)"
    r"(?:[Tt ](\d\d):(\d\d):(\d\d)(?:[.,](\d+))?"
    r"([Zz]|[+-]\d\d(?::?\d\d)?)?)?",
    re.ASCII,
)
_UTC = dt.timezone.utc
# Offsets seen so far (a server uses one or two): making a timezone costs more
# than parsing the rest of the timestamp.
_ZONES: dict[str, dt.timezone] = {"Z": _UTC, "z": _UTC}
_MAX_ZONES = 256
_fromisoformat = dt.datetime.fromisoformat
# "YYYY-MM-DDTHH:MM:SS+hh:mm", with ".ffffff" before the offset, and with "Z" instead.
_ISO_SIZES = frozenset({25, 32})
_Z_SIZES = frozenset({20, 27})


def _zone(text: str) -> dt.timezone:
    hours, minutes = int(text[1:3]), int(text[-2:]) if len(text) > 3 else 0
    if hours > 23 or minutes > 59:
        raise ValueError(f"invalid UTC offset {text!r}")
    offset = dt.timedelta(hours=hours, minutes=minutes)
    zone = _UTC if not offset else dt.timezone(-offset if text[0] == "-" else offset)
    if len(_ZONES) < _MAX_ZONES:
        _ZONES[text] = zone
    return zone


def parse_datetime(text: str) -> dt.datetime:
    """An aware datetime from RFC 3339 text; ValueError names what is wrong."""
    # Fast path for the shape datetime.isoformat() writes, seconds or
    # microseconds and a ±hh:mm offset (or Z for +00:00): fromisoformat has read
    # exactly that the same way since Python 3.7, ten times faster than the
    # general parser. Any other shape, or a value it refuses, goes the long way.
    given = text  # what the error quotes, as the server sent it
    size = len(text)
    if size in _Z_SIZES and text[-1] in "Zz":
        text, size = text[:-1] + "+00:00", size + 5
    if (
        size in _ISO_SIZES
        and text[4] == text[7] == "-"
        and text[10] == "T"
        and text[13] == text[16] == text[-3] == ":"
        and (size == 25 or text[19] == ".")
        and text[-6] in "+-"
        and text[-2] <= "5"  # later versions read +01:60 as two hours
        and "\x00" not in text  # 3.11+ fromisoformat stops at a NUL: "12:00:Z\x00.123456+00:00"
    ):
        try:
            return _fromisoformat(text)
        except ValueError:
            pass
    return parse_general(given)


def parse_general(text: str) -> dt.datetime:
    """``parse_datetime`` without its fast path: every form, by the grammar."""
    match = _PATTERN.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 datetime: {text!r}")
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        if hour is None:
            return dt.datetime(int(year), int(month), int(day), tzinfo=_UTC)
        microsecond = int(fraction[:6].ljust(6, "0")) if fraction else 0
        seconds = int(second)
        if seconds == 60:
            seconds, microsecond = 59, 999999
        zone = _UTC if offset is None else (_ZONES.get(offset) or _zone(offset))
        return dt.datetime(
            int(year), int(month), int(day), int(hour), int(minute), seconds, microsecond, zone
        )
    except ValueError as exc:
        raise ValueError(f"not an RFC 3339 datetime: {text!r} ({exc})") from None
