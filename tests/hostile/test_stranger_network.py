"""A stranger's pass over misbehaving servers: each test is a defect found by one.

The server here is scripted per test: a coroutine gets each connection's
reader and writer, so a test can say exactly which bytes go out, and when.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
import typing

import aiohttp
import hypothesis
import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

import julep

from .server import HostileServer

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

Handler = typing.Callable[[asyncio.StreamReader, asyncio.StreamWriter], typing.Awaitable[None]]
AGENT_ID = "00000000-0000-0000-0000-000000000001"


def agent_response(name: str) -> bytes:
    body = orjson.dumps(
        {"id": AGENT_ID, "name": name, "model": "m", "created_at": "2024-01-01T00:00:00Z"}
    )
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
        len(body),
        body,
    )


class ScriptedServer(HostileServer):
    """The hostile server's thread and loop, every connection run by ``handler``."""

    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self._handler = handler
        self.connections = 0

    async def _answer(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        await self._handler(reader, writer)


async def read_head(reader: asyncio.StreamReader) -> bytes:
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            await reader.readexactly(int(line.split(b":")[1]))
    return head


# --- a pooled connection that received bytes while idle --------------------------


@pytest.mark.parametrize(
    "unsolicited",
    [agent_response("SMUGGLED"), agent_response("SMUGGLED") + b"HTTP/1.1 200 OK\r\nX-Half: "],
    ids=["whole-response", "response-and-half"],
)
def test_bytes_sent_on_an_idle_connection_never_answer_the_next_request(
    unsolicited: bytes,
) -> None:
    answered: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await read_head(reader)
            if answered:
                writer.write(agent_response("real"))
                await writer.drain()
                continue
            answered.append(1)
            writer.write(agent_response("first"))
            await writer.drain()
            await asyncio.sleep(0.1)
            writer.write(unsolicited)  # the connection is idle in the client's pool now
            await writer.drain()

    async def main(base_url: str) -> list[str]:
        async with julep.AsyncJulepApi(api_key="k", base_url=base_url) as client:
            names = [(await client.get_agent(AGENT_ID)).name]
            await asyncio.sleep(0.4)
            names.append((await client.get_agent(AGENT_ID)).name)
            return names

    with ScriptedServer(handler) as server:
        assert asyncio.run(main(server.base_url)) == ["first", "real"]
        assert server.connections == 2


# --- the API key in errors and logs ------------------------------------------------

KEY = "sk-stranger-0123456789"


def _echo(head: bytes, path: bytes) -> bytes:
    auth = next(line for line in head.split(b"\r\n") if line.lower().startswith(b"authorization"))
    token = auth.split(b" ")[-1]
    if b"/header/" in path:  # a header line too long for aiohttp, quoting the request's
        return b"HTTP/1.1 200 OK\r\nX-Echo: " + auth + b"a" * 9000 + b"\r\n\r\n{}"
    if b"/token/" in path:  # a header line aiohttp refuses: the token without its colon
        return b"HTTP/1.1 200 OK\r\n" + auth.replace(b":", b"") + b"\r\nContent-Length: 2\r\n\r\n{}"
    if b"/status/" in path:
        body = orjson.dumps({"detail": "invalid key " + token.decode()})
        head_ = b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
        return head_ + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    if b"/escaped/" in path:  # the key JSON-escaped: invisible to a byte-level search
        escaped = token.replace(b"-", b"\\u002d")
        body = b'{"detail": "invalid key ' + escaped + b'"}'
        head_ = b"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\n"
        return head_ + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
    if b"/hangup/" in path:  # the headers cut short: aiohttp's error holds those parsed
        return b"HTTP/1.1 200 OK\r\nX-Echo: " + auth + b"\r\nContent-Type: appl"
    if b"/stream/" in path:
        event = b"data: " + orjson.dumps({"error": {"message": "bad key " + token.decode()}})
        event += b"\n\ndata: " + orjson.dumps({"junk": token.decode()}) + b"\n\n"
        return (
            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(event), event)
        )
    body = orjson.dumps(
        {"items": [{"id": "x", "name": "n", "model": "m", "created_at": token.decode()}]}
    )
    head_ = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    return head_ + b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


async def _echoing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        head = await read_head(reader)
        writer.write(_echo(head, head.split(b" ")[1]))
        await writer.drain()
        if b"/hangup/" in head:
            writer.close()
            return


def _rendered(error: BaseException) -> str:
    """What a log line, a printed traceback or an error tracker would show."""
    import traceback

    return "".join(traceback.format_exception(error)) + repr(error) + repr(vars(error))


@pytest.mark.parametrize(
    "case", ["header", "token", "hangup", "status", "escaped", "stream", "invalid"]
)
@pytest.mark.parametrize("given_as", ["api_key", "header", "with_options"])
def test_an_echoed_key_never_reaches_an_error_or_a_log_line(
    case: str, given_as: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")

    def call(client: julep.JulepApi) -> None:
        if given_as == "with_options":
            client = client.with_options(headers={"authorization": f"Bearer {KEY}"})
        if case == "stream":
            client.chat(AGENT_ID, messages=[{"role": "user", "content": "hi"}], stream=True)
        else:
            client.list_agents()

    with ScriptedServer(_echoing) as server:
        options: dict[str, typing.Any] = {
            "base_url": f"http://127.0.0.1:{server.port}/{case}/api",
            "max_retries": 1,
            "api_key": KEY if given_as == "api_key" else "other-key",
        }
        if given_as == "header":
            options["headers"] = {"Authorization": f"Bearer {KEY}"}
        with julep.JulepApi(**options) as client, pytest.raises(julep.APIError) as caught:
            call(client)
    assert KEY not in _rendered(caught.value)
    assert "<redacted>" in _rendered(caught.value)
    assert KEY not in caplog.text


_KEY_CHARS = st.characters(codec="ascii", exclude_categories=["Cc"])


@given(
    key=st.text(_KEY_CHARS, min_size=8, max_size=40),
    before=st.text(max_size=20),
    after=st.text(max_size=20),
)
def test_redaction_blanks_a_key_wherever_it_sits(key: str, before: str, after: str) -> None:
    """A key of 8 characters or more is blanked inside any text, message, body or cause."""
    _assert_blanked(key, before + key + after)


@given(
    key=st.text(_KEY_CHARS, min_size=4, max_size=7),
    before=st.text(max_size=20).map(lambda text: text + " "),
    after=st.text(max_size=20).map(lambda text: '"' + text),
)
def test_redaction_blanks_a_short_key_where_it_stands_alone(
    key: str, before: str, after: str
) -> None:
    """A key of 4 to 7 characters is blanked where it stands alone (after a space, before a
    quote), as an echoed header or JSON string holds it."""
    hypothesis.assume(key.strip() == key and len(key) >= 4)
    _assert_blanked(key, before + key + after)


class _Shows:
    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def _assert_blanked(key: str, text: str) -> None:
    from julep import _http

    secrets = _http.secrets_of(key, [f"Bearer {key}"])
    body = {"detail": [text, {text: text}]}
    error = julep.APIConnectionError(text)
    # A non-str argument whose str() shows the text, as aiohttp's ServerDisconnectedError
    # holds the half-parsed response.
    error.__cause__ = ExceptionGroup("fields", [ValueError(text), ConnectionError(_Shows(text))])
    _http.redact_error(error, secrets)
    assert key.strip() not in _rendered(error)
    assert isinstance(error.__cause__, ExceptionGroup)
    assert len(error.__cause__.exceptions) == 2  # a group stays a group (it still pickles)
    assert key.strip() not in repr(_http.redact_value(body, secrets))
    assert key.strip().encode() not in _http.redact_bytes(text.encode(), secrets)


# --- a deadline of 5 s or more is kept to the millisecond, not the second -------------


async def _stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_head(reader)
    await asyncio.sleep(20)


def test_a_total_deadline_over_five_seconds_is_not_rounded_up() -> None:
    async def main(base_url: str) -> float:
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, timeout=5.05, max_retries=0
        ) as client:
            loop = asyncio.get_running_loop()
            # aiohttp rounded a timeout >= 5 s up to the next whole second of the
            # loop's clock: starting just after one, 5.05 s became almost 6.
            await asyncio.sleep(1.01 - loop.time() % 1)
            started = loop.time()
            with pytest.raises(julep.APITimeoutError):
                await client.list_agents()
            return loop.time() - started

    with ScriptedServer(_stall) as server:
        assert asyncio.run(main(server.base_url)) < 5.4


# --- wait_for_job(timeout=...) holds when a poll stalls --------------------------------

JOB_ID = "00000000-0000-0000-0000-000000000003"


async def _job_then_stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await read_head(reader)
    body = orjson.dumps(
        {"id": JOB_ID, "name": "j", "created_at": "2024-01-01T00:00:00Z", "state": "in_progress"}
    )
    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
    await writer.drain()
    await read_head(reader)  # the second poll is never answered
    await asyncio.sleep(30)


def test_wait_for_job_ends_at_its_timeout_when_a_poll_stalls() -> None:
    with ScriptedServer(_job_then_stall) as server:
        with julep.JulepApi(api_key="k", base_url=server.base_url, timeout=20) as client:
            started = time.monotonic()
            with pytest.raises(julep.APITimeoutError, match="wait_for_job"):
                client.wait_for_job(JOB_ID, timeout=0.5)
            assert time.monotonic() - started < 2
            assert client._async._transport.connections_in_use() == 0


# --- a stream abandoned without ``async with`` gives its connection back ----------------


async def _endless_stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while True:
        head = await read_head(reader)
        if b"/chat" not in head:
            writer.write(agent_response("next"))
            await writer.drain()
            continue
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Transfer-Encoding: chunked\r\n\r\n")
        event = b'data: {"id": "c", "delta": {"content": "x"}}\n\n'
        for _ in range(600):
            writer.write(b"%x\r\n%s\r\n" % (len(event), event))
            await writer.drain()
            await asyncio.sleep(0.05)


def test_an_async_stream_broken_out_of_without_async_with_frees_its_connection() -> None:
    import gc

    async def main(base_url: str) -> str:
        async with julep.AsyncJulepApi(
            api_key="k", base_url=base_url, connection_limit=1, timeout=5
        ) as client:
            async for _chunk in client.chat_stream(
                AGENT_ID, messages=[{"role": "user", "content": "hi"}]
            ):
                break
            del _chunk
            gc.collect()
            await asyncio.sleep(0.05)
            assert client._transport.connections_in_use() == 0
            # With the only connection of the pool back, the next call goes through.
            return (await asyncio.wait_for(client.get_agent(AGENT_ID), 2)).name

    with ScriptedServer(_endless_stream) as server:
        assert asyncio.run(main(server.base_url)) == "next"


# --- a stream whose final event came, then no [DONE] and no end -----------------------

_FINAL_EVENT = b"data: " + orjson.dumps(
    {
        "id": "c1",
        "finish_reason": "stop",
        "usage": {"completion_tokens": 1, "prompt_tokens": 1, "total_tokens": 2},
    }
)


def _stream_then(tail: str) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Transfer-Encoding: chunked\r\n\r\n")
        for data in (b'data: {"id": "c1", "delta": {"content": "Hi"}}', _FINAL_EVENT):
            event = data + b"\n\n"
            writer.write(b"%x\r\n%s\r\n" % (len(event), event))
        if tail == "junk":
            writer.write(b"9\r\ndata: {\n\n\r\n")
        await writer.drain()
        if tail == "reset":
            await asyncio.sleep(0.2)  # read by the client before the RST can discard them
            writer.transport.abort()
            return
        await asyncio.sleep(30)

    return handler


@pytest.mark.parametrize("tail", ["stall", "reset", "junk", "deadline"])
@pytest.mark.parametrize("how", ["chat_stream", "chat"])
def test_a_reply_whose_final_event_came_is_returned_whatever_follows(tail: str, how: str) -> None:
    timeout = julep.Timeout(read=5, total=10, stream_idle=0.5)
    if tail == "deadline":
        timeout = julep.Timeout(read=5, total=1, stream_idle=5)

    async def main(base_url: str) -> julep.ChatResponse:
        async with julep.AsyncJulepApi(api_key="k", base_url=base_url, timeout=timeout) as client:
            messages = [{"role": "user", "content": "hi"}]
            if how == "chat":
                return await client.chat(AGENT_ID, messages=messages, stream=True)
            async with client.chat_stream(AGENT_ID, messages=messages) as stream:
                assert [chunk.id async for chunk in stream] == ["c1", "c1"]
            return stream.final_response

    with ScriptedServer(_stream_then(tail)) as server:
        reply = asyncio.run(main(server.base_url))
    assert reply.response[0][0].content == "Hi"
    assert reply.usage.total_tokens == 2


def test_a_block_without_data_lines_is_no_event() -> None:
    from julep._sse import Event, SSEDecoder

    decoder = SSEDecoder()
    body = b"event: ping\n\nid: 7\n\nevent: delta\ndata: a\n\ndata: [DONE]\n\n"
    assert decoder.feed(body) == [
        Event(data="a", event="delta", id="7"),
        Event(data="[DONE]", id="7"),
    ]


def test_an_event_without_data_does_not_break_a_stream() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        body = b'event: ping\n\ndata: {"id": "c1", "delta": {"content": "Hi"}}\n\n'
        body += _FINAL_EVENT + b"\n\ndata: [DONE]\n\n"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    with (
        ScriptedServer(handler) as server,
        julep.JulepApi(api_key="k", base_url=server.base_url) as client,
    ):
        reply = client.chat(AGENT_ID, messages=[{"role": "user", "content": "hi"}], stream=True)
    assert reply.response[0][0].content == "Hi"


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_proxy_echoing_the_request_never_shows_its_credentials(
    scheme: str, caplog: pytest.LogCaptureFixture
) -> None:
    import base64

    caplog.set_level("DEBUG")
    password = "proxy-pw-0123456789"
    encoded = base64.b64encode(f"user:{password}".encode()).decode()

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_head(reader)
        echoed = next(h for h in head.split(b"\r\n") if h.lower().startswith(b"proxy-auth"))
        if scheme == "http":  # an error page quoting the request
            body = b"bad gateway for " + head
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: %d\r\n\r\n" % len(body))
            writer.write(body)
        else:  # the answer to CONNECT, with a header line aiohttp refuses
            writer.write(b"HTTP/1.1 200 OK\r\nX-Echo: " + echoed + b"a" * 9000 + b"\r\n\r\n")
        await writer.drain()

    with ScriptedServer(proxy) as server:
        client = julep.JulepApi(
            api_key="some-api-key",
            base_url=f"{scheme}://api.example.invalid/api",
            proxy=f"http://user:{password}@127.0.0.1:{server.port}",
            max_retries=0,
        )
        with client, pytest.raises(julep.APIError) as caught:
            client.list_agents()
    for secret in (password, encoded):
        assert secret not in _rendered(caught.value)
        assert secret not in caplog.text


# --- a stream request answered by a body that trickles in ------------------------------


def _trickling(status: bytes) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 " + status + b" X\r\nContent-Type: application/json\r\n")
        writer.write(b"Content-Length: 100000\r\n\r\n")
        for _ in range(200):
            writer.write(b" ")
            await writer.drain()
            await asyncio.sleep(0.1)

    return handler


@pytest.mark.parametrize("status", [b"500", b"200"])
@pytest.mark.parametrize("total", [5.0, None])
def test_a_trickling_answer_to_a_stream_request_is_cut_at_the_read_limit(
    status: bytes, total: float | None
) -> None:
    timeout = julep.Timeout(read=0.5, total=total, stream_idle=2)
    policy = julep.RetryPolicy(max_retries=1, initial_delay=0.05, max_delay=0.05)
    with ScriptedServer(_trickling(status)) as server:
        with julep.JulepApi(
            api_key="k", base_url=server.base_url, timeout=timeout, max_retries=policy
        ) as client:
            started = time.monotonic()
            with pytest.raises(julep.APITimeoutError) as caught:
                client.chat(AGENT_ID, messages=[{"role": "user", "content": "hi"}], stream=True)
            assert time.monotonic() - started < 2.5
            assert caught.value.retries_taken == 1
            assert client._async._transport.connections_in_use() == 0
        assert server.connections == 2


# --- AsyncJulepApi.close() with a body being read ends the call at once -----------------


async def _slow_everything(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    head = await read_head(reader)
    if b"/chat" in head:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Transfer-Encoding: chunked\r\n\r\n")
        event = b'data: {"id": "c", "delta": {"content": "x"}}\n\n'
        writer.write(b"%x\r\n%s\r\n" % (len(event), event))
    else:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{")
    await writer.drain()
    await asyncio.sleep(30)


@pytest.mark.parametrize("call", ["get", "chat_stream", "chat_stream_true"])
def test_closing_an_async_client_ends_a_call_reading_its_body_at_once(call: str) -> None:
    async def work(client: julep.AsyncJulepApi) -> None:
        messages = [{"role": "user", "content": "hi"}]
        if call == "get":
            await client.get_agent(AGENT_ID)
        elif call == "chat_stream_true":
            await client.chat(AGENT_ID, messages=messages, stream=True)
        else:
            async with client.chat_stream(AGENT_ID, messages=messages) as stream:
                async for _ in stream:
                    pass

    async def main(base_url: str) -> float:
        client = julep.AsyncJulepApi(api_key="k", base_url=base_url, timeout=julep.Timeout.NONE)
        task = asyncio.ensure_future(work(client))
        await asyncio.sleep(0.3)  # the body has started, and stalls
        closed = time.monotonic()
        await client.close()
        with pytest.raises(julep.ClientClosedError):
            await asyncio.wait_for(task, 5)
        return time.monotonic() - closed

    with ScriptedServer(_slow_everything) as server:
        assert asyncio.run(main(server.base_url)) < 1


# --- a JSON error nested a thousand levels deep ---------------------------------------


def _nested(depth: int, dicts: bool) -> bytes:
    if dicts:
        return b'{"a":' * depth + b'"x"' + b"}" * depth
    return b"[" * depth + b"]" * depth


@given(depth=st.integers(min_value=1, max_value=1022), dicts=st.booleans())
def test_an_error_body_nested_deep_is_still_a_status_error(depth: int, dicts: bool) -> None:
    from julep import _http

    body = b'{"detail": ' + _nested(depth, dicts) + b', "k": "\\u0041"}'
    raw = _http.RawResponse(
        method="GET", url="http://h/api/agents", status=400, headers={}, body=body
    )
    error = _http.status_error(raw, ("a-secret-key",))
    assert isinstance(error, julep.BadRequestError)
    assert str(error).startswith("status_code: 400, body: ")


def test_a_mid_stream_error_event_nested_deep_is_a_stream_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        body = b'data: {"id": "c", "delta": {"content": "Hi"}}\n\n'
        body += b'data: {"error": ' + _nested(1000, dicts=False) + b"}\n\n"
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    with (
        ScriptedServer(handler) as server,
        julep.JulepApi(api_key="k", base_url=server.base_url) as client,
    ):
        with pytest.raises(julep.StreamError) as caught:
            client.chat(AGENT_ID, messages=[{"role": "user", "content": "hi"}], stream=True)
    assert caught.value.partial_text == "Hi"


# --- a streamed chunk of the wrong shape names the field, as a reply read whole does -----


@pytest.mark.parametrize(
    ("chunk", "path"),
    [
        ({"id": "c1", "usage": {"completion_tokens": "many"}}, "$.usage.completion_tokens"),
        ({"id": 7, "delta": {"content": "x"}}, "$.id"),
        ({"id": "c1", "delta": {"content": 5}}, "$.delta.content"),
    ],
)
def test_an_invalid_stream_chunk_names_the_field(chunk: dict[str, typing.Any], path: str) -> None:
    body = b"data: " + orjson.dumps(chunk) + b"\n\n"

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n")
        writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
        await writer.drain()

    with (
        ScriptedServer(handler) as server,
        julep.JulepApi(api_key="k", base_url=server.base_url) as client,
    ):
        with pytest.raises(julep.StreamError, match=re.escape(f"@ {path}")):
            client.chat(AGENT_ID, messages=[{"role": "user", "content": "hi"}], stream=True)


# --- an x-request-id that echoes the request's Authorization ------------------------


def _echo_in_request_id(
    status: bytes, body: bytes, content_type: bytes = b"application/json"
) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await read_head(reader)
            auth = next(
                line for line in head.split(b"\r\n") if line.lower().startswith(b"authorization:")
            )
            echoed = auth.partition(b":")[2].strip()
            writer.write(
                b"HTTP/1.1 %s\r\nContent-Type: %s\r\nx-request-id: %s\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (status, content_type, echoed, len(body), body)
            )
            await writer.drain()

    return handler


@pytest.mark.parametrize(
    ("status", "body", "error"),
    [
        (b"400 Bad Request", b'{"detail": "no"}', julep.BadRequestError),
        (b"503 Busy", b'{"detail": "later"}', julep.InternalServerError),
        (b"200 OK", b'{"id": 1}', julep.ResponseValidationError),
        (b"200 OK", b" " * 5000, julep.ResponseTooLargeError),
    ],
    ids=["400", "503-retried", "200-invalid", "200-too-large"],
)
@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_a_request_id_echoing_the_key_never_shows_it(
    status: bytes,
    body: bytes,
    error: type[julep.APIError],
    client_kind: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A server that puts the request's Authorization into x-request-id: the key is
    blanked in the error's message, its request_id and every log line."""
    caplog.set_level("DEBUG")
    options: dict[str, typing.Any] = {
        "api_key": KEY,
        "max_retries": julep.RetryPolicy(max_retries=1, initial_delay=0.01, max_delay=0.02),
        "max_response_bytes": 4096,
    }
    with ScriptedServer(_echo_in_request_id(status, body)) as server:
        if client_kind == "sync":
            with julep.JulepApi(base_url=server.base_url, **options) as client:
                with pytest.raises(error) as caught:
                    client.get_agent(AGENT_ID)
        else:

            async def main() -> None:
                async with julep.AsyncJulepApi(base_url=server.base_url, **options) as client:
                    await client.get_agent(AGENT_ID)

            with pytest.raises(error) as caught:
                asyncio.run(main())
    assert KEY not in _rendered(caught.value)
    assert getattr(caught.value, "request_id", None) == "<redacted>"
    assert KEY not in caplog.text
    if error is not julep.ResponseTooLargeError:  # a response cut short is not logged
        assert "request id <redacted>" in caplog.text


# --- a connection that drops after the request arrived ------------------------------


@pytest.mark.parametrize("method", ["get_agent", "update_agent", "delete_agent"])
@pytest.mark.parametrize("max_retries", [0, 1])
def test_a_dropped_connection_is_resent_only_by_the_retry_loop(
    method: str, max_retries: int
) -> None:
    """A GET, PUT or DELETE whose connection drops once is sent 1 + max_retries times,
    each retry counted: aiohttp's own silent re-send of such methods is off."""
    received: list[bytes] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await read_head(reader)
        received.append(head.split(b"\r\n")[0])
        if len(received) == 1:  # applied, then the answer is lost
            writer.transport.abort()
            return
        body = b'{"detail": "Agent not found"}'
        writer.write(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()

    policy = julep.RetryPolicy(max_retries=max_retries, initial_delay=0.01, max_delay=0.02)
    with ScriptedServer(handler) as server:
        with julep.JulepApi(api_key=KEY, base_url=server.base_url, max_retries=policy) as client:
            with pytest.raises(julep.APIError) as caught:
                if method == "update_agent":
                    client.update_agent(AGENT_ID, name="n", about="a", model="m")
                else:
                    getattr(client, method)(AGENT_ID)
    assert len(received) == 1 + max_retries, received
    assert caught.value.retries_taken == max_retries
    expected = julep.NotFoundError if max_retries else julep.APIConnectionError
    assert type(caught.value) is expected


def test_a_callers_session_keeps_its_own_resend_setting() -> None:
    """README: the re-send is turned off in the sessions the SDK opens, not in the
    caller's ``session=``, whose settings are the caller's (others use it too)."""

    async def main() -> tuple[bool, bool]:
        async with aiohttp.ClientSession() as session:
            async with julep.AsyncJulepApi(api_key=KEY, session=session) as client:
                ours = julep.AsyncJulepApi(api_key=KEY)
                try:
                    client._transport._get_session()
                    return (
                        session._retry_connection,
                        ours._transport._get_session()._retry_connection,
                    )
                finally:
                    await ours.close()

    callers, sdks = asyncio.run(main())
    assert (callers, sdks) == (True, False)


# --- the total deadline passing while a stream is still being opened ---------------


@pytest.mark.parametrize("busy", [0, 1, 2])
@pytest.mark.parametrize("how", ["chat", "chat_stream", "stream=True"])
def test_a_deadline_while_opening_a_stream_counts_the_retries_made(busy: int, how: str) -> None:
    """``busy`` 503s, then a server that never answers: the APITimeoutError of the
    total deadline says ``busy`` retries were taken, streamed or not."""
    received: list[int] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        received.append(1)
        if len(received) <= busy:
            body = b'{"detail": "busy"}'
            writer.write(
                b"HTTP/1.1 503 Busy\r\nContent-Type: application/json\r\nConnection: close\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
            )
            await writer.drain()
            return
        await asyncio.sleep(5)

    messages = [{"role": "user", "content": "hi"}]
    with ScriptedServer(handler) as server:
        with julep.JulepApi(
            api_key=KEY,
            base_url=server.base_url,
            timeout=julep.Timeout(read=10, total=0.8),
            max_retries=julep.RetryPolicy(max_retries=5, initial_delay=0.01, max_delay=0.02),
        ) as client:
            with pytest.raises(julep.APITimeoutError) as caught:
                if how == "chat":
                    client.chat(AGENT_ID, messages=messages)
                elif how == "chat_stream":
                    client.chat_stream(AGENT_ID, messages=messages).until_done()
                else:
                    client.chat(AGENT_ID, messages=messages, stream=True)
    assert len(received) == busy + 1
    assert caught.value.retries_taken == busy


_FINAL_CHUNKS = (
    b'data: {"id": "c1", "delta": {"content": "Hi"}}\n\n'
    b'data: {"id": "c1", "finish_reason": "stop",'
    b' "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}\n\n'
    b"data: [DONE]\n\n"
)


@pytest.mark.parametrize("how", ["get_agent", "chat stream=True, JSON answer", "chat_stream"])
def test_a_request_id_echoing_the_key_is_blanked_in_response_info(how: str) -> None:
    """On a success too: response_info (its repr, its request_id) never shows the key."""
    messages = [{"role": "user", "content": "hi"}]
    if how == "get_agent":
        handler = _echo_in_request_id(
            b"200 OK", orjson.dumps({"id": AGENT_ID, "name": "n", "model": "m"})
        )
    elif how == "chat_stream":
        handler = _echo_in_request_id(b"200 OK", _FINAL_CHUNKS, b"text/event-stream")
    else:
        handler = _echo_in_request_id(
            b"200 OK",
            orjson.dumps(
                {
                    "id": AGENT_ID,
                    "finish_reason": "stop",
                    "response": [
                        [
                            {
                                "id": AGENT_ID,
                                "role": "assistant",
                                "content": "Hi",
                                "created_at": "2024-05-01T12:00:00Z",
                            }
                        ]
                    ],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
                }
            ),
        )
    with (
        ScriptedServer(handler) as server,
        julep.JulepApi(api_key=KEY, base_url=server.base_url, max_retries=0) as client,
    ):
        if how == "get_agent":
            model: typing.Any = client.get_agent(AGENT_ID)
        elif how == "chat_stream":
            with client.chat_stream(AGENT_ID, messages=messages) as stream:
                for _ in stream:
                    pass
            model = stream.final_response
        else:
            model = client.chat(AGENT_ID, messages=messages, stream=True)
    assert model.response_info.request_id == "<redacted>"
    assert KEY not in repr(model.response_info) and KEY not in repr(model)


# --- a keep-alive connection the server closes as it is reused -------------------------


def _closes_each_connection_on_its_second_request() -> Handler:
    # An Agent and a ResourceCreatedResponse alike (a delete reads no body).
    agent = orjson.dumps(
        {"id": AGENT_ID, "name": "n", "model": "m", "created_at": "2024-05-01T12:00:00Z"}
    )

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_head(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(agent), agent)
        )
        await writer.drain()
        await read_head(reader)  # the reused connection's request: closed unanswered
        writer.close()

    return handler


@pytest.mark.parametrize("method", ["get_agent", "delete_agent", "create_user"])
def test_a_reused_connection_closed_unanswered_is_retried_at_once_and_counted(
    method: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The first retry after a dropped, unanswered request goes without a backoff (a
    stale keep-alive connection is the usual cause) and counts as a retry; with
    max_retries=0 the drop is the error."""
    caplog.set_level("DEBUG", logger="julep")
    call = {
        "get_agent": lambda c: c.get_agent(AGENT_ID),
        "delete_agent": lambda c: c.delete_agent(AGENT_ID),
        "create_user": lambda c: c.create_user(name="u"),
    }[method]
    slow = julep.RetryPolicy(max_retries=1, initial_delay=30, max_delay=30)
    with (
        ScriptedServer(_closes_each_connection_on_its_second_request()) as server,
        julep.JulepApi(api_key=KEY, base_url=server.base_url, max_retries=slow) as client,
    ):
        client.get_agent(AGENT_ID)  # opens the connection the next call reuses
        result = call(client)
        if result is not None:
            assert result.response_info.retries_taken == 1
        assert "in 0.000s (retry 1)" in caplog.text, caplog.text
        with pytest.raises(julep.APIConnectionError) as caught:
            client.with_options(max_retries=0).get_agent(AGENT_ID)
        assert caught.value.retries_taken == 0


def test_a_reopened_streams_retry_backs_off_from_the_calls_count(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """chat(stream=True): a stream that broke off (retry 1), then a reopening dropped
    unanswered (retry 2): that retry waits as a call's second retry does, between
    initial_delay and twice it, not from the first step again."""
    caplog.set_level("DEBUG", logger="julep")
    connections = [0]
    event = b'data: {"id": "c1", "delta": {"role": "assistant", "content": "Hel"}}\n\n'
    final = _FINAL_CHUNKS

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections[0] += 1
        number = connections[0]
        await read_head(reader)
        if number == 1:  # one event, then the connection breaks off
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n" % (len(event), event)
            )
            await writer.drain()
        elif number >= 3:
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (len(final), final)
            )
            await writer.drain()
            await reader.read()
        writer.close()  # the second is dropped unanswered

    policy = julep.RetryPolicy(max_retries=3, initial_delay=0.2, max_delay=10)
    with (
        ScriptedServer(handler) as server,
        julep.JulepApi(api_key=KEY, base_url=server.base_url, max_retries=policy) as client,
    ):
        response = client.chat(AGENT_ID, messages=[{"role": "user", "content": "hi"}], stream=True)
    assert response.response_info.retries_taken == 2
    waits = [
        float(w) for w in re.findall(r"retrying POST \S+ in ([0-9.]+)s \(retry 2\)", caplog.text)
    ]
    assert len(waits) == 1 and 0.2 <= waits[0] <= 0.4, caplog.text


# --- an answer before the whole body was sent ----------------------------------------


@pytest.mark.parametrize("client_kind", ["sync", "async"])
def test_unsent_bytes_of_an_answered_request_are_dropped_not_flushed(client_kind: str) -> None:
    """A 413 while a large body is still going out (the server stops reading): the
    connection is dropped with its unsent bytes, at once. Closed gracefully, it kept
    writing them to a peer that read nothing, past the client's close: its loop was
    closed under it ("Event loop is closed" from the write callback, an unclosed
    transport warning); the server here sees its end only if it is dropped."""
    dropped: list[float] = []

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")  # the head only: the body is never read
        body = b'{"detail": "too large"}'
        writer.write(
            b"HTTP/1.1 413 Payload Too Large\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        answered = time.monotonic()
        await asyncio.sleep(1.0)  # unread: the client's socket buffers fill and stay full
        try:  # the client's end shows as the end of what is left to read, or a reset
            while await asyncio.wait_for(reader.read(1 << 20), 10):
                pass
        except (ConnectionError, asyncio.TimeoutError):
            pass
        dropped.append(time.monotonic() - answered)
        writer.close()

    request = {"title": "t", "content": "x" * (64 << 20)}  # far past the socket buffers
    with ScriptedServer(handler) as server:
        options = {"api_key": KEY, "base_url": server.base_url, "max_retries": 0}
        with pytest.raises(julep.APIStatusError) as caught:
            if client_kind == "sync":
                with julep.JulepApi(**options) as client:
                    client.create_agent_doc(AGENT_ID, request=request)
            else:

                async def main() -> None:
                    async with julep.AsyncJulepApi(**options) as client:
                        await client.create_agent_doc(AGENT_ID, request=request)

                asyncio.run(main())
        deadline = time.monotonic() + 15
        while not dropped and time.monotonic() < deadline:
            time.sleep(0.05)
    assert caught.value.status_code == 413
    # Dropped: the server reads the buffered rest and then the end, right after its
    # second. Left open (still flushing when the client's loop closed), the socket
    # gave the server nothing more to read until its 10 s ran out.
    assert dropped and dropped[0] < 8, dropped
