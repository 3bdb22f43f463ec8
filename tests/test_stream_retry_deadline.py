"""chat(stream=True) whose broken stream is retried and then runs out of Timeout.total
while reopening it: the APITimeoutError names the caller's total and counts the
retries of the whole call, on both clients."""

from __future__ import annotations

import re
import socket
import threading

import anyio
import pytest

import julep
from julep import RetryPolicy, Timeout
from julep.client import AsyncJulepApi, JulepApi

from .conftest import API_KEY

MESSAGES = [{"role": "user", "content": "hi"}]
EVENT = b'data: {"id":"c1","index":0,"delta":{"role":"assistant","content":"Hel"}}\n\n'
# A reset before any answer: retried by the attempt itself, with backoff.
POLICY = RetryPolicy(max_retries=50, initial_delay=0.2, max_delay=0.2)
TOTAL = 1.5
MAX_REQUESTS = 60


class _BreakThenReset:
    """The first request gets a stream that breaks after one event; every later
    one is reset before an answer. Stops after ``MAX_REQUESTS`` requests."""

    def __init__(self) -> None:
        self.requests = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}/api"
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._stopping = threading.Event()

    def __enter__(self) -> _BreakThenReset:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # a close() would not wake an accept() waiting in the thread
        self._thread.join(10)

    def _serve(self) -> None:
        self._listener.settimeout(0.05)
        with self._listener:
            while self.requests < MAX_REQUESTS and not self._stopping.is_set():
                try:
                    conn, _ = self._listener.accept()
                except TimeoutError:
                    continue
                except OSError:
                    return
                self.requests += 1
                with conn:
                    conn.settimeout(5)
                    try:
                        data = b""
                        while b"\r\n\r\n" not in data:
                            data += conn.recv(65536)
                        if self.requests == 1:
                            conn.sendall(
                                b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                b"Transfer-Encoding: chunked\r\n\r\n"
                                + b"%x\r\n%s\r\n"
                                % (len(EVENT), EVENT)
                            )
                        # SO_LINGER 0: close sends a reset.
                        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\1\0\0\0\0\0\0\0")
                    except OSError:
                        pass


def _check(error: julep.APITimeoutError, requests: int) -> None:
    """Either the retry loop finds no time for the next retry, or the deadline passes
    while an attempt is under way (which of the two comes first is timing): each
    names the caller's total and counts the retries made."""
    named = re.search(
        r"the total deadline of ([0-9.e+-]+)s leaves no time for retry (\d+)", str(error)
    )
    if named is None:
        named = re.search(r"the total deadline of ([0-9.e+-]+)s passed", str(error))
        assert named, str(error)
    else:
        assert int(named.group(2)) == requests  # the retry not sent: requests - 1 were retries
    assert float(named.group(1)) == TOTAL
    assert error.retries_taken == requests - 1


def test_sync_stream_retry_out_of_time_names_the_callers_total() -> None:
    """The sync client's error names Timeout.total=1.5 and the call's next retry."""
    with _BreakThenReset() as server:
        with JulepApi(
            api_key=API_KEY,
            base_url=server.base_url,
            timeout=Timeout(total=TOTAL),
            max_retries=POLICY,
        ) as client:
            with pytest.raises(julep.APITimeoutError) as caught:
                client.chat("s", messages=MESSAGES, stream=True)
        _check(caught.value, server.requests)


def test_async_stream_retry_out_of_time_names_the_callers_total() -> None:
    """The async client's error names Timeout.total=1.5 and the call's next retry."""

    async def main(server: _BreakThenReset) -> julep.APITimeoutError:
        async with AsyncJulepApi(
            api_key=API_KEY,
            base_url=server.base_url,
            timeout=Timeout(total=TOTAL),
            max_retries=POLICY,
        ) as client:
            try:
                await client.chat("s", messages=MESSAGES, stream=True)
            except julep.APITimeoutError as exc:
                return exc
        raise AssertionError("the call ended without an error")

    with _BreakThenReset() as server:
        error = anyio.run(main, server)
        _check(error, server.requests)
