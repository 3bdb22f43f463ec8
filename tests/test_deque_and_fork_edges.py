"""Edges of free-form values and of LocalServer across a fork.

- A NaN or infinity inside a deque (which metadata takes as a list, as julep 0.3.9
  sent it) is refused like one inside a list: it went out as null.
- A Decimal with fraction digits beyond a float's range is refused: it became inf,
  written as null.
- A julep model inside a deque in free-form data is checked like one in a list.
- A forked child leaving an embedded LocalServer's with block does not hang.
"""

from __future__ import annotations

import asyncio
import collections
import decimal
import math
import os
import signal
import time
import typing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import julep
from julep import AsyncJulepApi, JulepApi
from julep.client import OMIT
from julep.models import AgentDefaultSettings, CreateDoc
from julep.server import LocalServer

# Nothing listens here; every case must fail before a connection is tried.
_NOWHERE = "http://127.0.0.1:9/api"

_non_finite = st.sampled_from([math.nan, math.inf, -math.inf])


def _nest(value: object, depth: int) -> object:
    for level in range(depth):
        value = collections.deque([value]) if level % 2 == 0 else {"k": value}
    return value


@settings(max_examples=30, deadline=None)
@given(bad=_non_finite, depth=st.integers(min_value=1, max_value=4))
def test_non_finite_inside_a_deque_is_refused(bad: float, depth: int) -> None:
    metadata = {"v": _nest(bad, depth)}
    with JulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
        with pytest.raises(ValueError, match="finite"):
            client.create_agent(name="a", metadata=metadata)
        with pytest.raises(ValueError, match="finite"):
            client.create_agent_doc(
                "00000000-0000-0000-0000-000000000000",
                request=CreateDoc(title="t", content="c", metadata=metadata),
            )
        with pytest.raises(ValueError, match="finite"):
            client.list_agents(metadata_filter=metadata)

    async def run() -> None:
        async with AsyncJulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
            with pytest.raises(ValueError, match="finite"):
                await client.create_user(name="u", metadata=metadata)

    asyncio.run(run())


@settings(max_examples=20, deadline=None)
@given(extra=st.integers(min_value=309, max_value=2000), sign=st.sampled_from(["", "-"]))
def test_decimal_past_float_range_is_refused(extra: int, sign: str) -> None:
    value = decimal.Decimal(f"{sign}1{'0' * extra}.5")
    with JulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError, match="too large"):
            client.create_agent(name="a", metadata={"price": value})


def test_model_inside_a_deque_is_checked() -> None:
    inner = collections.deque([AgentDefaultSettings(temperature="hot")])  # type: ignore[arg-type]
    with JulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError, match=r"metadata\.s\[0\]\.temperature"):
            client.create_agent_doc(
                "00000000-0000-0000-0000-000000000000",
                request=CreateDoc(title="t", content="c", metadata={"s": inner}),
            )


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_forked_child_leaving_local_server_block_does_not_hang() -> None:
    with LocalServer() as server:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            # What leaving the with block (sys.exit, the script's end) runs;
            # os._exit, not SystemExit, so that pytest's own frames stay out.
            signal.alarm(10)
            server.__exit__(None, None, None)
            os._exit(0)
        started = time.monotonic()
        _, status = os.waitpid(pid, 0)
        with JulepApi(api_key="any", base_url=server.base_url) as client:
            client.create_agent(name="still served")
    assert status == 0, f"child ended with status {status} (14: hung until SIGALRM)"
    assert time.monotonic() - started < 5


class _Point(typing.NamedTuple):
    x: float
    y: int


@settings(max_examples=20, deadline=None)
@given(x=st.floats(allow_nan=False, allow_infinity=False), y=st.integers(-(2**63), 2**63 - 1))
def test_a_namedtuple_in_metadata_goes_out_as_a_list(x: float, y: int) -> None:
    """julep 0.3.9 sent a NamedTuple as a list; it raised TypeError here, from a
    dict argument and from a model's metadata alike."""
    from julep._serde import encode_json, loads

    point = _Point(x, y)
    assert loads(encode_json({"metadata": {"p": point}})) == {"metadata": {"p": [x, y]}}
    doc = CreateDoc(title="t", content="c", metadata={"p": point})
    assert loads(encode_json(doc))["metadata"] == {"p": [x, y]}


@settings(max_examples=40, deadline=None)
@given(
    number=st.one_of(
        st.integers(min_value=2**64, max_value=10**60),
        st.integers(min_value=-(10**60), max_value=-(2**63) - 1),
    ),
    wrap=st.sampled_from(["decimal", "deque", "set", "decimal-in-deque"]),
)
def test_a_big_integer_goes_out_whole_however_held(number: int, wrap: str) -> None:
    """Past orjson's 64 bits, an int was sent (JSON has no limit) but not as a
    Decimal with no fraction digits, nor inside a deque or a set: TypeError."""
    from julep._serde import encode_json, loads

    held: object = {
        "decimal": decimal.Decimal(number),
        "deque": collections.deque([number]),
        "set": {number},
        "decimal-in-deque": collections.deque([decimal.Decimal(number)]),
    }[wrap]
    expected = number if wrap == "decimal" else [number]
    assert loads(encode_json({"metadata": {"v": held}})) == {"metadata": {"v": expected}}
    doc = CreateDoc(title="t", content="c", metadata={"v": held})
    assert loads(encode_json(doc))["metadata"] == {"v": expected}


def test_a_decimal_of_too_many_digits_is_refused_at_once() -> None:
    """Decimal('1E+99999999') was converted to an int of 10**8 digits, the GIL held
    for minutes; like an int past sys.get_int_max_str_digits() it is refused."""
    with JulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
        started = time.monotonic()
        with pytest.raises(ValueError, match="digits"):
            client.create_agent(name="a", metadata={"v": decimal.Decimal("1E+99999999")})
        assert time.monotonic() - started < 2


@pytest.mark.parametrize("marker", [OMIT, ...], ids=["OMIT", "Ellipsis"])
def test_chat_messages_given_as_omitted_is_refused_by_name(marker: object) -> None:
    """chat(messages=...) said 'messages: _Omit cannot be sent as JSON ... is a field
    of the wrong type?' where messages=OMIT says it is required."""
    pattern = r"^messages must be a list of InputChatMlMessage, got .*it is required"
    session = "00000000-0000-0000-0000-000000000000"
    with JulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
        with pytest.raises(TypeError, match=pattern):
            client.chat(session, messages=marker)  # type: ignore[arg-type]
        with pytest.raises(TypeError, match=pattern):
            client.chat(session, messages=marker, stream=True)  # type: ignore[arg-type]

    async def run() -> None:
        async with AsyncJulepApi(api_key="any", base_url=_NOWHERE, max_retries=0) as client:
            with pytest.raises(TypeError, match=pattern):
                await client.chat(session, messages=marker)  # type: ignore[arg-type]
            with pytest.raises(TypeError, match=pattern):
                async with client.chat_stream(session, messages=marker):  # type: ignore[arg-type]
                    pass

    asyncio.run(run())


def test_a_reopened_stream_s_dropped_connection_still_backs_off() -> None:
    """chat(stream=True): the stream breaks off (1st connection), is reopened after a
    backoff, and that connection is dropped unanswered (2nd): the retry after it is
    the call's 2nd and backs off; only a call's first retry goes at once (97a05f7)."""
    import json
    import socket
    import threading

    accepted: list[float] = []
    chunk = (
        b"data: "
        + json.dumps(
            {"id": "c", "delta": {"role": "assistant", "content": "hi"}, "index": 0}
        ).encode()
        + b"\n\n"
    )

    def serve(sock: socket.socket) -> None:
        while len(accepted) < 4:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            accepted.append(time.monotonic())
            with conn:
                try:
                    conn.recv(65536)
                    if len(accepted) == 1:  # a stream that breaks off after one event
                        conn.sendall(
                            b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                            b"Transfer-Encoding: chunked\r\n\r\n"
                            + b"%x\r\n" % len(chunk)
                            + chunk
                            + b"\r\n"
                        )
                        time.sleep(0.05)
                except OSError:
                    pass

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        thread = threading.Thread(target=serve, args=(sock,), daemon=True)
        thread.start()
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/api"
        with JulepApi(api_key="any", base_url=url, max_retries=2, timeout=20) as client:
            with pytest.raises(julep.APIConnectionError) as caught:
                client.chat(
                    "00000000-0000-0000-0000-000000000000",
                    messages=[{"role": "user", "content": "x"}],
                    stream=True,
                )
    assert caught.value.retries_taken == 2
    assert len(accepted) == 3
    # backoff_delay(1) draws between half and all of RetryPolicy's 0.5 s
    assert accepted[2] - accepted[1] >= 0.2, accepted
