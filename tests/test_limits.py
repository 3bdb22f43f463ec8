"""Limits against any server: the SSE decoder's bounds, Retry-After sanity, short messages,
the redacted key, the options' validation and the retry log line."""

from __future__ import annotations

import email.utils
import itertools
import logging
import math
import socket
import time
import traceback
import typing

import orjson
import pytest
from aioresponses import aioresponses
from hypothesis import given
from hypothesis import strategies as st

import julep
from julep import _http
from julep._config import RetryPolicy, Secret, authorization_header, resolve_api_key
from julep._sse import Event, EventStreamError, SSEDecoder
from julep._transport import map_errors
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY
from .hostile.server import HostileServer
from .wire.mock import BASE_URL, respond, sent
from .wire.samples import AGENT_ID

# --- the SSE decoder -------------------------------------------------------------

_TEXT = st.text(st.characters(blacklist_characters="\r\n", blacklist_categories=["Cs"]))
_EVENTS = st.lists(st.lists(_TEXT, min_size=1, max_size=3), max_size=6)


def _encode(events: list[list[str]], newline: bytes) -> bytes:
    out = b"\xef\xbb\xbf: a comment" + newline
    for lines in events:
        out += b"".join(b"data: " + line.encode() + newline for line in lines) + newline
    return out


def _feed_in_pieces(data: bytes, cuts: list[int], limit: int = 1 << 20) -> list[Event]:
    decoder = SSEDecoder(limit)
    bounds = [0, *sorted(cut % (len(data) + 1) for cut in cuts), len(data)]
    return [event for a, b in itertools.pairwise(bounds) for event in decoder.feed(data[a:b])]


@given(
    events=_EVENTS,
    newline=st.sampled_from([b"\n", b"\r\n", b"\r"]),
    cuts=st.lists(st.integers(0, 10**6)),
)
def test_decoder_gives_the_same_events_however_the_bytes_are_cut(
    events: list[list[str]], newline: bytes, cuts: list[int]
) -> None:
    """Any split of the body into chunks, with any of the three line endings, decodes alike."""
    decoded = _feed_in_pieces(_encode(events, newline), cuts)
    assert decoded == [Event(data="\n".join(lines)) for lines in events]


@given(size=st.integers(1, 3000), cuts=st.lists(st.integers(0, 10**4), max_size=8))
def test_decoder_limits_an_event_whatever_the_chunks(size: int, cuts: list[int]) -> None:
    """An event of more than max_event_bytes raises, ended or not; one within it decodes."""
    limit = 1000
    line = b"data: " + b"x" * size + b"\n"
    if len(line) > limit:
        with pytest.raises(EventStreamError, match="max_event_bytes=1000"):
            _feed_in_pieces(line + b"\n", cuts, limit)
        with pytest.raises(EventStreamError):
            _feed_in_pieces(line[:-1], cuts, limit)  # the line never ends
    else:
        assert _feed_in_pieces(line + b"\n", cuts, limit) == [Event(data="x" * size)]


def test_decoder_counts_every_line_of_an_event() -> None:
    """Many short data lines that never end their event hit the limit too."""
    decoder = SSEDecoder(1000)
    with pytest.raises(EventStreamError):
        for _ in range(200):
            decoder.feed(b"data: xxxx\n")


def test_decoder_refuses_invalid_utf8_and_keeps_what_came_before() -> None:
    """A line that is not UTF-8 raises; the events completed before it stay usable."""
    decoder = SSEDecoder()
    with pytest.raises(EventStreamError, match="UTF-8") as caught:
        decoder.feed(b"data: ok\n\ndata: \xff\n\n")
    assert caught.value.completed == [Event(data="ok")]


# --- Retry-After ---------------------------------------------------------------------


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "1e3", "0x10", "", "soon", "1_0"])
def test_retry_after_junk_is_ignored(value: str) -> None:
    """Values that are not a finite delay >= 0 count as no Retry-After at all."""
    assert _http.parse_retry_after({"retry-after": value}) is None
    assert _http.parse_retry_after({"retry-after-ms": value}) is None
    assert _http.parse_retry_after({"retry-after-ms": value, "retry-after": "2"}) == 2.0


def test_retry_after_huge_values_stay_finite_and_dates_have_a_zone() -> None:
    """Huge delays come back finite (past any cap); a past date is 0; a zoneless date is UTC."""
    assert _http.parse_retry_after({"retry-after": "99999999999999999999"}) == 1e20
    huge = _http.parse_retry_after({"retry-after": "9" * 400})
    assert huge is not None and math.isfinite(huge)
    assert _http.parse_retry_after({"retry-after-ms": "1500.5"}) == 1.5005
    now = time.time()
    past = email.utils.formatdate(now - 100, usegmt=True)
    assert _http.parse_retry_after({"retry-after": past}, now=now) == 0.0
    zoneless = email.utils.formatdate(now + 30, usegmt=True).replace("GMT", "-0000")
    delay = _http.parse_retry_after({"retry-after": zoneless}, now=now)
    assert delay is not None and 28 <= delay <= 31


@given(st.text(max_size=40))
def test_retry_after_never_raises_and_is_never_negative(value: str) -> None:
    """Whatever a server writes in the header: None or a finite number >= 0."""
    for name in ("retry-after", "retry-after-ms"):
        delay = _http.parse_retry_after({name: value})
        assert delay is None or (math.isfinite(delay) and delay >= 0)


@pytest.mark.anyio
async def test_retry_after_past_the_cap_fails_at_once() -> None:
    """A delay over max_retry_after is not waited for, even with no deadline at all."""
    with aioresponses() as mock:
        respond(mock, "GET", status=503, payload={"detail": "later"}, headers={"Retry-After": "61"})
        async with AsyncJulepApi(
            api_key=API_KEY, base_url=BASE_URL, timeout=julep.Timeout.NONE
        ) as client:
            with pytest.raises(julep.InternalServerError) as caught:
                await client.get_agent(AGENT_ID)
        assert len(sent(mock)) == 1
    assert caught.value.retry_after == 61.0
    assert caught.value.retries_taken == 0


@pytest.mark.parametrize("cap", [-1, math.nan, math.inf, "60", True])
def test_max_retry_after_is_checked(cap: typing.Any) -> None:
    """The cap must be a finite number of seconds >= 0."""
    with pytest.raises(julep.ConfigurationError, match="max_retry_after"):
        RetryPolicy(max_retry_after=cap)


# --- options --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["max_response_bytes", "max_event_bytes"])
@pytest.mark.parametrize("value", [0, -1, True, 1.5, "1024", None])
def test_byte_limits_are_checked_on_both_clients(name: str, value: typing.Any) -> None:
    """A size limit that is not a positive int is refused when the client is built."""
    for client_class in (AsyncJulepApi, JulepApi):
        with pytest.raises(julep.ConfigurationError, match=name):
            client_class(api_key=API_KEY, base_url=BASE_URL, **{name: value})


# --- messages and bodies --------------------------------------------------------------


@pytest.mark.anyio
async def test_a_huge_error_body_makes_a_short_message_and_stays_whole() -> None:
    """str(error) quotes a few KB of a 2 MB error body; error.body keeps all of it."""
    with HostileServer() as server:
        async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
            with pytest.raises(julep.BadRequestError) as caught:
                await client.get_agent("bigdetail-2000000")
    assert caught.value.body == {"detail": "x" * 2_000_000}
    assert len(str(caught.value)) < 4096 and len(repr(caught.value)) < 4096
    assert str(caught.value).startswith("status_code: 400, body: {'detail': 'xxx")
    assert "more characters" in str(caught.value)


@pytest.mark.anyio
async def test_a_huge_invalid_success_makes_a_short_message() -> None:
    """A 2xx with 2,000 wrong items: the validation message stays short, the body whole."""
    with HostileServer() as server:
        async with AsyncJulepApi(api_key=API_KEY, base_url=server.base_url) as client:
            with pytest.raises(julep.ResponseValidationError) as caught:
                await client.get_agent_docs("baditems-2000")
    assert caught.value.body == orjson.dumps({"items": [{"id": 1}] * 2_000})
    assert len(str(caught.value)) < 4096 and "more characters" in str(caught.value)


@pytest.mark.anyio
async def test_a_compressed_body_within_the_cap_decodes() -> None:
    """gzip and chunked within max_response_bytes: the cap counts inflated bytes, not more."""
    with HostileServer() as server:
        async with AsyncJulepApi(
            api_key=API_KEY, base_url=server.base_url, max_response_bytes=300_000
        ) as client:
            agent = await client.get_agent("gzagent-200000")
            assert agent.name == "Sam"
            with pytest.raises(julep.ResponseTooLargeError) as caught:
                await client.get_agent("gzagent-400000")
    error = caught.value
    assert (error.limit, error.status_code) == (300_000, 200)
    assert "max_response_bytes=300000" in str(error)


def test_aiohttp_runtime_errors_for_a_closed_connection_are_connection_errors() -> None:
    """aiohttp's RuntimeError for a connection closed under a read becomes APIConnectionError;
    any other RuntimeError is a bug and is left alone."""
    for text in ("Connection closed.", "Session is closed"):
        with pytest.raises(julep.APIConnectionError) as caught, map_errors("GET", "u"):
            raise RuntimeError(text)
        assert isinstance(caught.value.__cause__, RuntimeError)
    with pytest.raises(RuntimeError, match="another coroutine"), map_errors("GET", "u"):
        raise RuntimeError("readany() called while another coroutine is already waiting")


# --- the key ---------------------------------------------------------------------------


def test_the_key_is_held_in_a_redacted_str() -> None:
    """The key and its header print as '<redacted>' in a repr, and are sent as they are."""
    header = authorization_header(resolve_api_key(API_KEY))
    assert isinstance(header, Secret)
    assert header == f"Bearer {API_KEY}" and str(header) == f"Bearer {API_KEY}"
    assert API_KEY not in repr({"Authorization": header})
    assert API_KEY not in repr(resolve_api_key(API_KEY))


def test_an_authorization_header_of_the_callers_own_is_redacted_too() -> None:
    """headers={"authorization": ...} in the constructor or with_options is held redacted."""
    client = AsyncJulepApi(
        api_key=API_KEY, base_url=BASE_URL, headers={"authorization": "Bearer a"}
    )
    derived = client.with_options(headers={"Authorization": "Bearer b"})
    held = (client._headers, client._sent_headers, client._sent_json_headers, derived._headers)
    for headers in (*held, derived._sent_headers):
        assert "Bearer" not in repr(headers) and "'<redacted>'" in repr(headers)
    assert derived._headers["Authorization"] == "Bearer b"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_tracebacks_with_local_variables_do_not_show_the_key() -> None:
    """What an error tracker records (every frame's locals) never holds the key in clear."""
    base_url = f"http://127.0.0.1:{_closed_port()}/api"
    with JulepApi(api_key=API_KEY, base_url=base_url, max_retries=0) as client:
        with pytest.raises(julep.APIConnectionError) as caught:
            client.get_agent(AGENT_ID)
    rendered = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    assert "'<redacted>'" in rendered
    assert API_KEY not in rendered and API_KEY[-8:] not in rendered


@pytest.mark.parametrize("client_class", [AsyncJulepApi, JulepApi])
def test_a_constructor_error_rendered_with_locals_hides_the_key(
    client_class: type[typing.Any],
) -> None:
    """A bad option raises in the constructor; its frames' locals do not show the key."""
    with pytest.raises(julep.ConfigurationError) as caught:
        client_class(api_key=API_KEY, base_url=BASE_URL, max_response_bytes=0)
    rendered = "".join(
        traceback.TracebackException.from_exception(caught.value, capture_locals=True).format()
    )
    assert "api_key = '<redacted>'" in rendered and API_KEY not in rendered


# --- the retry log line ------------------------------------------------------------------


def test_the_retry_log_line_names_the_request_once(caplog: pytest.LogCaptureFixture) -> None:
    """A failed attempt is logged as 'GET url failed: ... (attempt n)', the prefix once."""
    base_url = f"http://127.0.0.1:{_closed_port()}/api"
    policy = RetryPolicy(max_retries=1, initial_delay=0.001, max_delay=0.002)
    with caplog.at_level(logging.INFO, logger="julep"):
        with JulepApi(api_key=API_KEY, base_url=base_url, max_retries=policy) as client:
            with pytest.raises(julep.APIConnectionError):
                client.get_agent(AGENT_ID)
    url = f"{base_url}/agents/{AGENT_ID}"
    lines = [record.getMessage() for record in caplog.records if "failed" in record.getMessage()]
    assert [line.endswith(f"(attempt {n})") for n, line in enumerate(lines, 1)] == [True, True]
    assert all(line.startswith(f"GET {url} failed: ") for line in lines)
    assert all(line.count(url) == 1 for line in lines)
