"""Hostile input against the local server: each finding of the review is a test here."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import socket
import time
import typing
import urllib.error
import urllib.request
import zlib
from pathlib import Path

import aiohttp
import hypothesis
import orjson
import pytest
from hypothesis import strategies as st

from julep.server import LocalServer
from julep.server.cli import _api_key, _parser, main
from julep.server.resources import AcceptErrorFilter

from .helpers import Api

pytestmark = pytest.mark.anyio


async def _exchange(server: LocalServer, request: bytes) -> bytes:
    """Send ``request`` as raw bytes; the whole answer, read until the server closes."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(request)
        await writer.drain()
        return await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
        await writer.wait_closed()


async def _raw(server: LocalServer, request: bytes) -> tuple[int, bytes]:
    """Send ``request`` as raw bytes; the status and body of the answer."""
    head, _, body = (await _exchange(server, request)).partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


# --- dev mode: what a web page could send ---------------------------------------


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_a_body_that_is_not_json_typed_is_415(
    server: LocalServer, api: Api, content_type: str
) -> None:
    """A "simple" cross-origin POST (no preflight) is refused before anything runs."""
    url = api.base_url + "/agents"
    body = b'{"name": "from a web page"}'
    async with api.http.post(url, data=body, headers={"Content-Type": content_type}) as reply:
        assert reply.status == 415
        assert "application/json" in (await reply.json())["detail"]
    assert server.count("agents") == 0


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.evil.example"])
async def test_a_foreign_host_header_is_421(server: LocalServer, api: Api, host: str) -> None:
    """DNS rebinding: a page on another name reaching 127.0.0.1 is refused, with JSON."""
    reply = await api.post("/agents", json={"name": "x"}, headers={"Host": host})
    assert reply.status == 421
    assert "--allow-host" in reply.body["detail"]
    assert (await api.get("/agents", headers={"Host": host})).status == 421
    assert server.count("agents") == 0


@pytest.mark.parametrize("host", ["localhost", "localhost:{port}", "127.0.0.1:{port}", "[::1]:8"])
async def test_local_host_headers_are_served(server: LocalServer, api: Api, host: str) -> None:
    """localhost and the loopback addresses, with or without a port, are served."""
    headers = {"Host": host.format(port=server.port)}
    assert (await api.get("/agents", headers=headers)).status == 200


async def test_allowed_hosts_are_served() -> None:
    """``allow_hosts`` adds names; ``*`` allows any; a keyed server checks no Host by default."""
    for server, host in (
        (LocalServer(allow_hosts=["dev.internal"]), "dev.internal:8080"),
        (LocalServer(allow_hosts=["*"]), "anything.example"),
        (LocalServer(api_key="k"), "anything.example"),
    ):
        async with server, aiohttp.ClientSession() as session:
            headers = {"Host": host, "Authorization": "k"}
            reply = await Api(session, server.base_url).get("/agents", headers=headers)
            assert reply.status == 200


def test_a_non_loopback_host_without_a_key_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """Listening beyond this machine without a key fails at start-up and says why."""
    with pytest.raises(ValueError, match=r"not a loopback address.*API key"):
        LocalServer(host="0.0.0.0")
    assert main(["--host", "0.0.0.0"]) == 2
    assert "JULEP_SERVER_API_KEY" in capsys.readouterr().err
    LocalServer(host="0.0.0.0", api_key="k")  # with a key it is the user's choice
    LocalServer(host="::1")


def test_the_key_comes_from_the_environment_or_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """JULEP_SERVER_API_KEY and --api-key-file keep the key out of ps."""
    monkeypatch.setenv("JULEP_SERVER_API_KEY", "from-env")
    assert _api_key(_parser().parse_args([])) == "from-env"
    key_file = tmp_path / "key"
    key_file.write_text("from-file\n")
    assert _api_key(_parser().parse_args(["--api-key-file", str(key_file)])) == "from-file"
    monkeypatch.delenv("JULEP_SERVER_API_KEY")
    assert _api_key(_parser().parse_args([])) is None
    assert main(["--api-key-file", str(tmp_path / "missing")]) == 2
    assert main(["--api-key", "a", "--api-key-file", str(key_file)]) == 2


@pytest.mark.parametrize(
    "saved", [b"\xef\xbb\xbfthe-key\r\n", b"\xef\xbb\xbfthe-key", b"the-key\r\n", b" the-key \n"]
)
def test_a_key_file_saved_with_a_byte_order_mark_or_crlf_holds_just_the_key(
    tmp_path: Path, saved: bytes
) -> None:
    """A key file written by Notepad (UTF-8 with a BOM, CRLF) gives the key, not BOM + key."""
    key_file = tmp_path / "key"
    key_file.write_bytes(saved)
    assert _api_key(_parser().parse_args(["--api-key-file", str(key_file)])) == "the-key"


async def test_a_non_utf8_authorization_header_is_a_json_401() -> None:
    """A byte that is not UTF-8 in Authorization gets a JSON 401, not a text 500."""
    async with LocalServer(api_key="k") as server:
        status, body = await _raw(
            server,
            b"GET /api/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \xff\xfe\r\n"
            b"Connection: close\r\n\r\n",
        )
    assert status == 401
    assert body.startswith(b'{"detail":')


async def test_every_error_is_json(api: Api) -> None:
    """Unknown routes, wrong methods and bad keys all answer ``{"detail": ...}``."""
    replies: list[typing.Any] = [
        await api.get("/nowhere"),
        await api.request("PUT", "/agents"),
        await api.post("/agents", json=[1]),
    ]
    for reply in replies:
        assert 400 <= reply.status < 500
        assert isinstance(reply.body, dict) and "detail" in reply.body


# --- bounded input ---------------------------------------------------------------


def _nested(depth: int) -> str:
    """JSON of an object ``depth`` levels deep: {"a": {"a": ... {}}}."""
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


async def test_deep_metadata_is_refused_and_what_is_kept_reads_back(
    server: LocalServer, api: Api
) -> None:
    """Nesting past 64 levels is a 422 naming the field; anything accepted lists fine."""
    headers = {"Content-Type": "application/json"}
    for depth, status in ((63, 201), (64, 422), (255, 422), (5000, 422)):
        body = '{"name": "a", "metadata": ' + _nested(depth) + "}"
        async with api.http.post(api.base_url + "/users", data=body, headers=headers) as reply:
            assert reply.status == status
            if status == 422:
                detail = (await reply.json())["detail"]
                assert detail.startswith("metadata.a.a" if depth < 1000 else "body")
                assert detail.endswith("nested deeper than 64 levels")
    listed = await api.get("/users")
    assert listed.status == 200
    assert len(listed.body["items"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "a", "metadata": {"blob": "x" * 70_000}}, "metadata"),
        ({"name": "n" * 257}, "name"),
        ({"name": "a", "tools": [{}] * 129}, "tools"),
        ({"name": "a", "instructions": ["be brief"] * 1001}, "instructions"),
    ],
)
async def test_oversized_fields_are_422_naming_the_field(
    server: LocalServer, api: Api, body: dict[str, typing.Any], field: str
) -> None:
    """Each field has a size bound; past it the 422 says which field and what the bound is."""
    reply = await api.post("/agents", json=body)
    assert reply.status == 422
    assert reply.body["detail"].startswith(f"{field}: at most")
    assert server.count("agents") == 0


_PUT_BODIES = {
    "agents": {"name": "a", "about": ""},
    "users": {"name": "u", "about": ""},
    "sessions": {"situation": "s"},
}


@pytest.mark.parametrize("kind", ["agents", "users", "sessions"])
async def test_patched_metadata_stays_within_the_bound_and_can_be_put_back(
    server: LocalServer, api: Api, kind: str
) -> None:
    """PATCH merges metadata; the merge is bounded like a body's metadata (64 KiB), so
    PATCHes of new keys cannot grow it without end, past what a PUT of it as read back
    accepts."""
    agent_id = await api.agent()
    ids = {"agents": agent_id, "users": await api.user(), "sessions": await api.session(agent_id)}
    path = f"/{kind}/{ids[kind]}"
    blob = "x" * 20_000
    statuses = [
        (await api.patch(path, json={"metadata": {f"k{i}": blob}})).status for i in range(5)
    ]
    assert statuses == [200, 200, 200, 422, 422]
    refused = await api.patch(path, json={"metadata": {"k9": blob}})
    assert refused.body["detail"].startswith("metadata: at most 65536 bytes as JSON once merged")
    # Overwriting a key keeps the size: still fine; the stored metadata goes back as it is.
    assert (await api.patch(path, json={"metadata": {"k0": "y"}})).status == 200
    metadata = (await api.get(path)).body["metadata"]
    assert sorted(metadata) == ["k0", "k1", "k2"]
    assert (await api.put(path, json={**_PUT_BODIES[kind], "metadata": metadata})).status == 200
    # Other fields of an object still patch, metadata or not.
    assert (await api.patch(path, json={"metadata": None})).status == 200


async def test_a_chat_has_at_most_2000_messages(server: LocalServer, api: Api) -> None:
    """More messages than a real chat sends is a 422 before any work is done."""
    session_id = await api.session(await api.agent())
    messages = [{"role": "user", "content": "hi"}] * 2001
    reply = await api.post(f"/sessions/{session_id}/chat", json={"messages": messages})
    assert (reply.status, reply.body["detail"]) == (422, "messages: at most 2000 items, got 2001")
    assert server.count("messages") == 0


async def test_a_body_past_the_limit_is_a_json_413() -> None:
    """``max_body_bytes`` bounds a body; past it the answer is 413 with a JSON detail."""
    async with LocalServer(max_body_bytes=64 * 1024) as server, aiohttp.ClientSession() as session:
        api = Api(session, server.base_url)
        reply = await api.post("/agents", json={"name": "a", "about": "x" * 70_000})
        assert reply.status == 413
        assert "detail" in reply.body
        assert (await api.post("/agents", json={"name": "a", "about": "x" * 60_000})).status == 201


async def _declared(server: LocalServer, head: bytes, then: bytes = b"") -> bytes:
    """Send ``head`` (and ``then`` once something came back); what arrived until the close."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    try:
        writer.write(head)
        await writer.drain()
        first = await asyncio.wait_for(reader.read(65536), timeout=10)
        if then:
            writer.write(then)
            await writer.drain()
        return first + await asyncio.wait_for(reader.read(), timeout=10)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


_BIG_HEAD = (
    b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    b"Content-Length: 10000000000\r\n"
)


@pytest.mark.parametrize("expect", [b"", b"Expect: 100-continue\r\n"])
async def test_a_body_declared_over_the_limit_is_a_413_before_any_of_it_is_read(
    expect: bytes,
) -> None:
    """A declared 10 GB is refused from its headers (no 100 Continue invites it), and the
    connection closed: it was read to the limit, then drained for seconds."""
    async with LocalServer(max_body_bytes=64 * 1024) as server:
        started = time.monotonic()
        answer = await _declared(server, _BIG_HEAD + expect + b"\r\n" + b"{" * 1000)
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413"), answer
        assert b"100 Continue" not in answer
        assert orjson.loads(body) == {
            "detail": "the request body of 10000000000 bytes is over the limit of 65536 bytes"
        }
        assert time.monotonic() - started < 5
        assert server.count("agents") == 0


async def test_expect_100_continue_within_the_limit_is_invited_and_served() -> None:
    body = b'{"name": "invited"}'
    async with LocalServer() as server:
        answer = await _declared(
            server,
            b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nExpect: 100-continue\r\n"
            b"Content-Length: %d\r\n\r\n" % len(body),
            then=body,
        )
        assert answer.startswith(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201"), answer
        assert server.count("agents") == 1


# --- connections and descriptors ------------------------------------------------


@pytest.mark.parametrize("sent", [b"", b"GET /api/agents HTTP/1.1\r\nHost: local"])
async def test_silent_and_slow_header_connections_are_closed(sent: bytes) -> None:
    """A connection that sends nothing, or never finishes its headers, is closed."""
    async with LocalServer(idle_timeout=0.2) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(sent)
            await writer.drain()
            assert await asyncio.wait_for(reader.read(), timeout=10) == b""
        finally:
            writer.close()
            await writer.wait_closed()


@pytest.mark.parametrize("transfer", [b"Content-Length: 100", b"Transfer-Encoding: chunked"])
async def test_a_body_that_stops_arriving_is_a_408_and_the_connection_closes(
    transfer: bytes,
) -> None:
    """Headers in, part of the body, then silence: the handler used to wait forever."""
    async with LocalServer(idle_timeout=0.2) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            first = b"1\r\n{\r\n" if b"chunked" in transfer else b"{"
            writer.write(
                b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\n" + transfer + b"\r\n\r\n" + first
            )
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), timeout=20)  # until it closes
        finally:
            writer.close()
            await writer.wait_closed()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), answer
        assert orjson.loads(body) == {"detail": "the request body stopped arriving for 0.2 s"}
        assert server.count("agents") == 0


async def test_a_slow_body_that_keeps_coming_is_served() -> None:
    """The idle timeout is between bytes: a body trickling in faster than that is read."""
    body = b'{"name": "slow"}'
    async with LocalServer(idle_timeout=0.5) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(
                b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            )
            for index in range(len(body)):  # 16 bytes over ~1.6 s, longer than the timeout
                writer.write(body[index : index + 1])
                await writer.drain()
                await asyncio.sleep(0.1)
            answer = await asyncio.wait_for(reader.read(), timeout=10)
        finally:
            writer.close()
            await writer.wait_closed()
        assert answer.startswith(b"HTTP/1.1 201"), answer
        assert server.count("agents") == 1


async def test_a_body_trickled_just_inside_the_idle_timeout_is_a_408() -> None:
    """One byte at a time, each within the idle timeout, never finishing: past a grace of
    four idle timeouts a body slower than 500 bytes a second is given up (it was read for
    ever, holding the connection and a handler)."""
    async with LocalServer(idle_timeout=0.3) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        started = time.monotonic()
        try:
            writer.write(
                b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\n"
                b"Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"
            )
            await writer.drain()

            async def trickle() -> None:
                for _ in range(200):  # bounded: 40 s at most
                    await asyncio.sleep(0.2)
                    writer.write(b" ")
                    await writer.drain()

            trickling = asyncio.ensure_future(trickle())
            try:
                answer = await asyncio.wait_for(reader.read(), timeout=20)  # until it closes
            finally:
                trickling.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionError):
                    await trickling
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 408"), answer
        assert orjson.loads(body) == {
            "detail": "the request body arrived slower than 500 bytes a second"
        }
        assert time.monotonic() - started < 10  # 1.2 s of grace, checked every 0.3 s
        assert server.count("agents") == 0


async def test_an_idle_keep_alive_connection_is_closed() -> None:
    """After a response, a kept-alive connection with nothing more to do is closed."""
    async with LocalServer(idle_timeout=0.2) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(b"GET /api/agents HTTP/1.1\r\nHost: localhost\r\n\r\n")
            await writer.drain()
            assert (await reader.readline()).startswith(b"HTTP/1.1 200")
            await asyncio.wait_for(reader.read(), timeout=10)  # returns once the server closes
            assert reader.at_eof()
        finally:
            writer.close()
            await writer.wait_closed()


_STALLED_POST = (
    b"POST /api/agents HTTP/1.1\r\nHost: localhost\r\n"
    b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
)


@pytest.mark.parametrize("api_key", [None, "sk-hostile-key"])
async def test_a_stalled_body_is_a_408_with_or_without_a_key(
    api_key: str | None,
) -> None:
    """Headers, then part of the body, then nothing: answered 408 after the idle
    timeout and closed, whether the server wants a key or not."""
    auth = b"" if api_key is None else f"Authorization: Bearer {api_key}\r\n".encode()
    async with LocalServer(idle_timeout=0.2, api_key=api_key) as server:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(_STALLED_POST.replace(b"Host:", auth + b"Host:"))
            await writer.drain()
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
            assert head.startswith(b"HTTP/1.1 408"), head
            # Closed after the answer (once aiohttp's lingering read of the rest gives up).
            assert b"\r\nConnection: close\r\n" in head
            detail = await asyncio.wait_for(reader.readuntil(b"}"), timeout=10)
            assert detail == b'{"detail":"the request body stopped arriving for 0.2 s"}'
            assert server.count("agents") == 0
        finally:
            writer.close()
            await writer.wait_closed()


def test_accept_errors_are_logged_at_most_once_a_second() -> None:
    """A flood of accept failures (fd exhaustion) passes one record per interval, with a count."""
    log_filter = AcceptErrorFilter(interval=3600)
    flood = [
        logging.LogRecord("asyncio", logging.ERROR, "x", 1, message, None, None)
        for message in ["socket.accept() out of system resource"] * 500
        + ["Exception in callback BaseSelectorEventLoop._start_serving(...)"] * 500
    ]
    assert sum(log_filter.filter(record) for record in flood) == 1
    other = logging.LogRecord("asyncio", logging.ERROR, "x", 1, "something else", None, None)
    assert log_filter.filter(other)


# --- generated hostile bodies ---------------------------------------------------

_JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)  # JSON numbers orjson keeps exact
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_JSON = st.recursive(
    _JSON_LEAVES,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=30,
)


def _deepen(value: object, depth: int) -> object:
    for _ in range(depth):
        value = {"d": value}
    return value


def _send(base_url: str, method: str, path: str, body: bytes) -> tuple[int, typing.Any]:
    request = urllib.request.Request(
        base_url + path,
        data=body or None,
        method=method,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, orjson.loads(error.read())


@pytest.fixture(scope="module")
def threaded_server() -> typing.Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@hypothesis.settings(max_examples=60, deadline=None, database=None)
@hypothesis.given(metadata=_JSON, depth=st.integers(min_value=0, max_value=70))
def test_whatever_metadata_is_accepted_reads_back(
    threaded_server: LocalServer, metadata: object, depth: int
) -> None:
    """Generated metadata, nested up to 70 deep: a 201 or a 422, and what is kept reads back."""
    body = orjson.dumps({"name": "h", "metadata": {"m": _deepen(metadata, depth)}})
    status, reply = _send(threaded_server.base_url, "POST", "/users", body)
    assert status in (201, 422), reply
    if status == 201:
        got_status, user = _send(threaded_server.base_url, "GET", f"/users/{reply['id']}", b"")
        assert got_status == 200
        assert user["metadata"] == {"m": _deepen(metadata, depth)}
        listed_status, _ = _send(threaded_server.base_url, "GET", "/users?limit=1000", b"")
        assert listed_status == 200
    else:
        assert "levels" in reply["detail"] or "bytes" in reply["detail"], reply


@hypothesis.settings(max_examples=40, deadline=None, database=None)
@hypothesis.given(
    part_type=st.one_of(st.text(max_size=12), st.integers(-(2**63), 2**63 - 1), st.none()).filter(
        lambda value: value not in ("text", "image_url")
    )
)
def test_a_content_part_of_an_unknown_type_is_422(
    threaded_server: LocalServer, part_type: object
) -> None:
    """Parts are text or image_url: another type was stored, and julep 0.3.9 could then
    never read that session's history again (a pydantic ValidationError)."""
    base = threaded_server.base_url
    _, agent = _send(base, "POST", "/agents", orjson.dumps({"name": "a"}))
    _, session = _send(base, "POST", "/sessions", orjson.dumps({"agent_id": agent["id"]}))
    content = [{"type": "text", "text": "hi"}, {"type": part_type, "x": 1}]
    body = orjson.dumps({"messages": [{"role": "user", "content": content}]})
    status, reply = _send(base, "POST", f"/sessions/{session['id']}/chat", body)
    assert status == 422, reply
    assert reply["detail"].startswith("messages[0].content[1].type: expected 'text' or"), reply
    _, history = _send(base, "GET", f"/sessions/{session['id']}/history", b"")
    assert history["items"] == []


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"preset": "bogus"}, "preset: expected one of 'problem_solving', "),
        ({"response_format": {"type": "xml"}}, "response_format.type: expected one of 'text', "),
        ({"messages": [{"role": "tool", "content": "x"}]}, "messages[0].role: expected one of "),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": "a"}, {}]}]},
            "messages[0].content[1]: a content part needs a 'type'",
        ),
        (
            {"messages": [{"role": "user", "content": [{"type": "text"}]}]},
            "messages[0].content[0].text: field required",
        ),
    ],
)
async def test_a_bad_enum_or_part_is_a_422_naming_its_field(
    api: Api, body: dict[str, typing.Any], detail: str
) -> None:
    """The detail names the field as on the wire, with the value sent (no Python repr)."""
    session_id = await api.session(await api.agent())
    reply = await api.post(
        f"/sessions/{session_id}/chat",
        json={"messages": [{"role": "user", "content": "x"}], **body},
    )
    assert reply.status == 422
    assert reply.body["detail"].startswith(detail), reply.body
    assert "<" not in reply.body["detail"]


async def test_a_tool_of_an_unknown_type_is_a_422_naming_type(api: Api) -> None:
    agent_id = await api.agent()
    body = {"type": "plugin", "function": {"name": "f", "parameters": {}}}
    reply = await api.post(f"/agents/{agent_id}/tools", json=body)
    assert reply.status == 422
    assert reply.body["detail"] == ("type: expected one of 'function', 'webhook', got 'plugin'"), (
        reply.body
    )


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "br", "GZIP "])
async def test_a_compressed_body_is_415_and_never_inflated(encoding: str) -> None:
    """aiohttp inflated Content-Encoding bodies on the event loop as they arrived: a 2 MB
    gzip of 2 GB stalled every other request for seconds (a 413 came only after)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    bomb = compressor.compress(b'{"name": "' + b"a" * 50_000_000 + b'"}') + compressor.flush()
    async with LocalServer() as server, aiohttp.ClientSession(auto_decompress=False) as session:
        headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
        async with session.post(server.base_url + "/agents", data=bomb, headers=headers) as reply:
            assert reply.status == 415
            detail = (await reply.json())["detail"]
        assert detail.startswith("Content-Encoding: the body must not be compressed")
        assert server.count("agents") == 0
        async with session.post(server.base_url + "/agents", json={"name": "plain"}) as reply:
            assert reply.status == 201


@pytest.mark.parametrize(
    ("charset", "status"),
    [
        ("latin-1", 415),
        ("utf-16", 415),
        ("no-such-charset", 415),
        ("UTF-8", 201),
        ("utf8", 201),
        ("utf_8", 201),
        ("us-ascii", 201),
        (None, 201),
    ],
)
async def test_a_body_in_another_charset_than_utf8_is_415(charset: str | None, status: int) -> None:
    """JSON is UTF-8: a body said to be latin-1 was read as UTF-8 all the same, its
    name stored garbled (or a 422 for bytes UTF-8 cannot read)."""
    content_type = "application/json" + ("" if charset is None else f"; charset={charset}")
    async with LocalServer() as server, aiohttp.ClientSession() as session:
        body = '{"name": "Zoë"}'.encode("latin-1" if status == 415 else "utf-8")
        headers = {"Content-Type": content_type}
        async with session.post(server.base_url + "/agents", data=body, headers=headers) as reply:
            assert reply.status == status, await reply.text()
            if status == 415:
                assert (await reply.json())["detail"].startswith(
                    "Content-Type: a JSON body is UTF-8"
                )
        assert server.count("agents") == (status == 201)


async def _agents_of(server: LocalServer, count: int, about_bytes: int) -> None:
    async with aiohttp.ClientSession() as session:
        headers = {"Content-Type": "application/json"}
        for _ in range(count):
            body = io.BytesIO(orjson.dumps({"name": "big", "about": "x" * about_bytes}))
            url = server.base_url + "/agents"
            async with session.post(url, data=body, headers=headers) as reply:
                assert reply.status == 201


async def test_a_client_that_stops_reading_a_large_answer_is_disconnected() -> None:
    """A client that asks for a long list and never reads it held the answer in the
    server's memory, and the connection, for ever; now the connection ends once nothing
    has been taken for the idle timeout."""
    async with LocalServer(idle_timeout=0.3) as server:
        # 15 MB: more than the kernel buffers, within a page's 16 Mi characters
        await _agents_of(server, 5, 3_000_000)
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            await loop.run_in_executor(None, sock.connect, ("127.0.0.1", server.port))
            request = b"GET /api/agents?limit=1000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
            await loop.run_in_executor(None, sock.sendall, request)
            await asyncio.sleep(3)  # never reading: the server gives up on us
            received = await loop.run_in_executor(None, _read_to_eof, sock)
        finally:
            sock.close()
        head, _, body = received.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
        assert len(body) < length  # cut off, not delivered whole after the wait


def _read_to_eof(sock: socket.socket) -> bytes:
    sock.settimeout(10)
    chunks = []
    while chunk := sock.recv(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


async def test_a_client_that_reads_a_large_answer_slowly_gets_all_of_it() -> None:
    """Slow is fine as long as the answer keeps moving."""
    async with LocalServer(idle_timeout=0.5) as server:
        await _agents_of(server, 4, 1_000_000)
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        try:
            writer.write(
                b"GET /api/agents?limit=1000 HTTP/1.1\r\nHost: localhost\r\n"
                b"Connection: close\r\n\r\n"
            )
            await writer.drain()
            chunks = []
            while chunk := await reader.read(256 * 1024):
                chunks.append(chunk)
                await asyncio.sleep(0.1)  # ~2.5 MB/s, taking about 2 s in all
        finally:
            writer.close()
            await writer.wait_closed()
        _, _, body = b"".join(chunks).partition(b"\r\n\r\n")
        assert len(orjson.loads(body)["items"]) == 4


async def test_a_client_that_pipelines_requests_and_never_reads_is_disconnected() -> None:
    """Small answers queued behind ones the client has not taken: the handler waited on
    the send buffer for ever (one connection and task held per such client)."""
    async with LocalServer(idle_timeout=0.3) as server:
        await _agents_of(server, 10, 2_000)  # ~20 KB an answer
        loop = asyncio.get_running_loop()
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        try:
            await loop.run_in_executor(None, sock.connect, ("127.0.0.1", server.port))
            one = b"GET /api/agents?limit=1000 HTTP/1.1\r\nHost: localhost\r\n\r\n"
            sock.setblocking(False)
            pipelined = 0
            for _ in range(400):  # bounded: until the server stops reading from us
                try:
                    pipelined += sock.send(one * 50) // len(one)
                except BlockingIOError:
                    await asyncio.sleep(0.01)
            sock.setblocking(True)
            await asyncio.sleep(3)  # never reading: the server gives up on us
            received = await loop.run_in_executor(None, _read_to_eof_or_reset, sock)
        finally:
            sock.close()
        assert received.count(b"HTTP/1.1 200") < pipelined


def _read_to_eof_or_reset(sock: socket.socket) -> bytes:
    chunks = []
    with contextlib.suppress(ConnectionResetError):
        chunks.append(_read_to_eof(sock))
    return b"".join(chunks)


async def test_bytes_that_are_not_http_get_a_plain_400_and_api_errors_stay_json() -> None:
    """README: every error the API answers is JSON {"detail": ...}; a request line that
    is not HTTP never reaches the API and gets aiohttp's plain-text 400."""
    async with LocalServer() as server:
        answer = await _exchange(server, b"NOT HTTP AT ALL\r\n\r\n")
        head, _, _ = answer.partition(b"\r\n\r\n")
        assert head.split(b" ", 2)[1] == b"400", answer
        assert b"Content-Type: text/plain" in head
        answer = await _exchange(
            server,
            b"GET /api/agents/nope HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        head, _, body = answer.partition(b"\r\n\r\n")
        assert b"Content-Type: application/json" in head, answer
        assert set(orjson.loads(body)) == {"detail"}


@pytest.mark.parametrize(
    ("name", "within", "past"),
    [
        (
            "a request line up to 200 KiB",
            lambda n: b"GET /api/agents?x=" + b"a" * n + b" HTTP/1.1\r\nHost: localhost\r\n",
            (200 * 1024 - 64, 200 * 1024 + 64),
        ),
        (
            "a header line up to 8,190 bytes",
            lambda n: (
                b"GET /api/agents HTTP/1.1\r\nHost: localhost\r\nX-Trace: " + b"a" * n + b"\r\n"
            ),
            (8190 - 16, 8190 + 16),
        ),
        (
            "up to 128 headers",
            lambda n: (
                b"GET /api/agents HTTP/1.1\r\nHost: localhost\r\n"
                + b"".join(b"X-%d: 1\r\n" % i for i in range(n))
            ),
            (120, 140),
        ),
    ],
)
async def test_requests_past_the_parsers_limits_are_the_readmes_plain_text_400(
    name: str, within: typing.Callable[[int], bytes], past: tuple[int, int]
) -> None:
    """README: every error is JSON, except where aiohttp's parser refuses the request: a
    request line over 200 KiB, a header line over 8,190 bytes or more than 128 headers get
    its plain-text 400. Just inside each limit, the API answers (an unknown query
    parameter or header is ignored); just past it, the plain-text 400 README names."""
    inside, outside = past
    async with LocalServer() as server:
        answer = await _exchange(server, within(inside) + b"Connection: close\r\n\r\n")
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ", 2)[1] == b"200", (name, head)
        assert orjson.loads(body) == {"items": []}
        answer = await _exchange(server, within(outside) + b"Connection: close\r\n\r\n")
        head, _, _ = answer.partition(b"\r\n\r\n")
        assert head.split(b" ", 2)[1] == b"400", (name, head)
        assert b"Content-Type: text/plain" in head, (name, head)
