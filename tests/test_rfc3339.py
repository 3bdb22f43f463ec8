"""RFC 3339 timestamps parse to the same value on every Python, with no help from fromisoformat."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import cattrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep._rfc3339 import parse_datetime, parse_general
from julep._serde import converter

UTC = dt.timezone.utc


def _zone(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


def _at(microsecond: int = 0, tz: dt.tzinfo = UTC, second: int = 5) -> dt.datetime:
    return dt.datetime(2024, 5, 1, 12, 34, second, microsecond, tz)


# Expected values written out by hand, never computed with fromisoformat.
VALID = [
    ("2024-05-01T12:34:05Z", _at()),
    ("2024-05-01T12:34:05z", _at()),
    ("2024-05-01t12:34:05Z", _at()),
    ("2024-05-01 12:34:05Z", _at()),
    ("2024-05-01T12:34:05+00:00", _at()),
    ("2024-05-01T12:34:05-00:00", _at()),
    ("2024-05-01T12:34:05+0000", _at()),
    ("2024-05-01T12:34:05.1Z", _at(100000)),
    ("2024-05-01T12:34:05.12Z", _at(120000)),
    ("2024-05-01T12:34:05.123Z", _at(123000)),
    ("2024-05-01T12:34:05.1234Z", _at(123400)),
    ("2024-05-01T12:34:05.12345Z", _at(123450)),
    ("2024-05-01T12:34:05.123456Z", _at(123456)),
    ("2024-05-01T12:34:05.1234567Z", _at(123456)),
    ("2024-05-01T12:34:05.123456789Z", _at(123456)),
    ("2024-05-01T12:34:05.123456789123+00:00", _at(123456)),
    ("2024-05-01T12:34:05,5Z", _at(500000)),
    ("2024-05-01T12:34:05+02:00", _at(tz=_zone(2))),
    ("2024-05-01T12:34:05+0530", _at(tz=_zone(5, 30))),
    ("2024-05-01T12:34:05-08:00", _at(tz=_zone(-8))),
    ("2024-05-01T12:34:05-0330", _at(tz=_zone(-3, -30))),
    ("2024-05-01T12:34:05+23:59", _at(tz=_zone(23, 59))),
    ("2024-05-01T12:34:05-07", _at(tz=_zone(-7))),
    ("2024-05-01T12:34:05.5-07:00", _at(500000, _zone(-7))),
    ("2024-05-01T12:34:05.123456+05:45", _at(123456, _zone(5, 45))),
    ("2024-05-01T12:34:05", _at()),
    ("2024-05-01T12:34:05.25", _at(250000)),
    ("2024-05-01", dt.datetime(2024, 5, 1, tzinfo=UTC)),
    ("2016-12-31T23:59:60Z", dt.datetime(2016, 12, 31, 23, 59, 59, 999999, UTC)),
    ("2024-02-29T00:00:00Z", dt.datetime(2024, 2, 29, tzinfo=UTC)),
    ("0001-01-01T00:00:00Z", dt.datetime(1, 1, 1, tzinfo=UTC)),
    ("9999-12-31T23:59:59.999999Z", dt.datetime(9999, 12, 31, 23, 59, 59, 999999, UTC)),
]

INVALID = [
    "",
    "yesterday",
    "2024-05-01T12:34Z",
    "2024-05-01T12:34:05ZZ",
    "2024-05-01T12:34:05.Z",
    "2024-05-01T12:34:05+24:00",
    "2024-05-01T12:34:05+01:60",
    "2024-05-01T12:34:05+1",
    "2024-05-01T25:00:00Z",
    "2024-05-01T12:61:00Z",
    "2024-05-01T12:34:61Z",
    "2023-02-29T00:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-5-1T12:34:05Z",
    "20240501T123405Z",
    "2024-W18-3T12:34:05Z",
    "2024-05-01X12:34:05Z",
    "2024-05-01T12:34:05 Z",
    "\uff12024-05-01T12:34:05Z",
    "2024-05-01T12:34:05.\u0661Z",
]


@pytest.mark.parametrize(("text", "expected"), VALID, ids=[row[0] for row in VALID])
def test_every_valid_form_parses(text: str, expected: dt.datetime) -> None:
    """Each form gives the hand-written value, with its offset, by both parsing paths."""
    for parse in (parse_datetime, parse_general):
        parsed = parse(text)
        assert parsed == expected
        assert parsed.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize("text", INVALID)
def test_invalid_text_is_refused_clearly(text: str) -> None:
    """Anything outside the grammar, or out of range, is a ValueError quoting the text."""
    for parse in (parse_datetime, parse_general):
        with pytest.raises(ValueError, match="RFC 3339"):
            parse(text)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(
    moment=st.datetimes(
        min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30), timezones=st.none()
    ),
    offset_minutes=st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59),
    digits=st.integers(min_value=0, max_value=12),
    extra=st.text(alphabet="0123456789", min_size=6, max_size=6),
    separator=st.sampled_from(["T", "t", " "]),
    style=st.sampled_from(["colon", "basic", "z", "Z"]),
)
def test_generated_timestamps_parse_to_their_value(
    *,
    moment: dt.datetime,
    offset_minutes: int,
    digits: int,
    extra: str,
    separator: str,
    style: str,
) -> None:
    """Any date, time, fraction length, separator and offset style parses to its value."""
    if style in ("z", "Z"):
        offset_minutes = 0
    zone = dt.timezone(dt.timedelta(minutes=offset_minutes))
    fraction = (f"{moment.microsecond:06d}" + extra)[:digits]
    sign, size = ("-" if offset_minutes < 0 else "+"), abs(offset_minutes)
    hours, minutes = divmod(size, 60)
    suffix = {
        "colon": f"{sign}{hours:02d}:{minutes:02d}",
        "basic": f"{sign}{hours:02d}{minutes:02d}",
        "z": "z",
        "Z": "Z",
    }[style]
    text = (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}{separator}"
        f"{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}"
        f"{'.' + fraction if fraction else ''}{suffix}"
    )
    expected = moment.replace(microsecond=int(fraction[:6].ljust(6, "0") or 0), tzinfo=zone)
    for parse in (parse_datetime, parse_general):
        parsed = parse(text)
        assert parsed == expected and parsed.utcoffset() == expected.utcoffset()


def test_a_response_with_any_valid_timestamp_decodes() -> None:
    """A model field takes every valid form; a wrong one fails that field only, clearly."""
    for text, expected in VALID:
        created = converter.structure(
            {"id": "a", "created_at": text}, julep.ResourceCreatedResponse
        )
        assert created.created_at == expected
    with pytest.raises(cattrs.BaseValidationError) as caught:
        converter.structure({"id": "a", "created_at": "2024-13-01"}, julep.ResourceCreatedResponse)
    assert "created_at" in " ".join(cattrs.transform_error(caught.value))


@settings(max_examples=300, deadline=None)
@given(
    base=st.sampled_from(
        ["2024-05-01T12:00:00+05:30", "2024-05-01T12:00:00.123456-01:00", "2024-05-01T12:00:00Z"]
    ),
    edits=st.lists(
        st.tuples(st.integers(0, 31), st.sampled_from(list("0123456789-:T.Z+z ,\x00\uff10"))),
        max_size=3,
    ),
)
def test_the_fast_path_reads_nothing_the_grammar_refuses(
    base: str, edits: list[tuple[int, str]]
) -> None:
    """parse_datetime's fromisoformat shortcut gives the grammar's answer for any text
    (a NUL once let "12:00:Z<NUL>.123456Z" through on 3.11+)."""
    text = list(base)
    for where, char in edits:
        if where < len(text):
            text[where] = char
    stamp = "".join(text)

    def outcome(parse: Callable[[str], dt.datetime]) -> object:
        try:
            value = parse(stamp)
        except ValueError:
            return "refused"
        return value, value.utcoffset()

    assert outcome(parse_datetime) == outcome(parse_general)


def test_a_nul_does_not_cut_the_fast_path_short() -> None:
    with pytest.raises(ValueError):
        parse_datetime("2024-05-01T12:00:Z\x00.123456Z")


@pytest.mark.parametrize("text", ["2024-13-01T12:00:00Z", "2024-05-01T25:00:00.123456Z"])
def test_the_error_quotes_the_text_as_given(text: str) -> None:
    """A Z timestamp the shortcut rewrote to +00:00 is quoted as the server sent it."""
    with pytest.raises(ValueError, match=repr(text).replace(".", r"\.")):
        parse_datetime(text)
