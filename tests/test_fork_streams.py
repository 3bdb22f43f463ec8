"""A streamed chat open when the process forks belongs to the parent: the child that reads or
closes it gets a julep error and leaves the connection alone, so the parent reads on."""

from __future__ import annotations

import asyncio
import os
import textwrap
import threading
import typing

import orjson
import pytest
from aiohttp import web

from julep import AsyncJulepApi, JulepApi, StreamConnectionError

from .subprocesses import in_forked_child, run_python

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

_ID = "00000000-0000-4000-8000-000000000001"


def _event(payload: object) -> bytes:
    return b"data: " + orjson.dumps(payload) + b"\n\n"


def _delta(text: str) -> bytes:
    return _event({"id": _ID, "delta": {"role": "assistant", "content": text}, "index": 0})


_FINAL = _event(
    {
        "id": _ID,
        "finish_reason": "stop",
        "response": [
            [
                {
                    "id": _ID,
                    "created_at": "2026-01-01T00:00:00+00:00",
                    "role": "assistant",
                    "content": "a b c",
                }
            ]
        ],
        "usage": {"completion_tokens": 3, "prompt_tokens": 1, "total_tokens": 4},
        "doc_ids": {"agent_doc_ids": [], "user_doc_ids": []},
        "jobs": [],
    }
)


class PausingChat:
    """A chat stream that sends its first chunk, waits until released, then the rest."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(_delta("a"))
        await self._loop.run_in_executor(None, self.release.wait, 10)
        for word in (" b", " c"):
            await response.write(_delta(word))
        await response.write(_FINAL + b"data: [DONE]\n\n")
        return response

    def __enter__(self) -> PausingChat:
        app = web.Application()
        app.router.add_post("/api/sessions/{sid}/chat", self._chat)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base_url = f"http://127.0.0.1:{port}/api"
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        assert self._runner is not None
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()


@pytest.fixture
def chat() -> typing.Iterator[PausingChat]:
    with PausingChat() as server:
        yield server


MESSAGES = [{"role": "user", "content": "x"}]


@pytest.mark.parametrize("child_does", ["read on", "close"])
def test_a_child_leaves_the_sync_stream_of_its_parent_alone(
    chat: PausingChat, child_does: str
) -> None:
    """The child reading on gets StreamConnectionError (not asyncio's RuntimeError), and
    neither that nor closing the stream (leaving its with block) stalls the parent's."""
    with JulepApi(api_key="k", base_url=chat.base_url, timeout=10) as client:
        with client.chat_stream("s1", messages=MESSAGES) as stream:
            chunks = iter(stream)
            assert next(chunks).delta.content == "a"  # type: ignore[union-attr]

            def child() -> bool:
                if child_does == "close":
                    stream.close()
                    return True
                with pytest.raises(StreamConnectionError, match="before a fork") as raised:
                    next(chunks)
                return raised.value.partial_text == "a"

            assert in_forked_child(child) == (b"ok", 0)
            chat.release.set()
            assert "".join(c.delta.content or "" for c in chunks if c.delta) == " b c"
        assert stream.final_response.response[0][0].content == "a b c"


def test_a_child_leaves_the_async_stream_of_its_parent_alone(chat: PausingChat) -> None:
    """The same for AsyncJulepApi: the child's own loop gets StreamConnectionError."""
    loop = asyncio.new_event_loop()
    client = AsyncJulepApi(api_key="k", base_url=chat.base_url, timeout=10)
    stream = client.chat_stream("s1", messages=MESSAGES)
    try:
        first = loop.run_until_complete(stream.__anext__())
        assert first.delta is not None and first.delta.content == "a"

        def child() -> bool:
            async def read_on() -> None:
                async with stream:
                    async for _ in stream:
                        pass

            with pytest.raises(StreamConnectionError, match="before a fork"):
                asyncio.run(read_on())
            return True

        assert in_forked_child(child) == (b"ok", 0)
        chat.release.set()

        async def rest() -> str:
            return "".join([c.delta.content or "" async for c in stream if c.delta])

        assert loop.run_until_complete(rest()) == " b c"
    finally:
        loop.run_until_complete(stream.aclose())
        loop.run_until_complete(client.close())
        loop.close()


def test_a_child_forked_in_the_running_loop_leaves_the_parents_pool_alone() -> None:
    """A child forked inside asyncio.run that never uses the client and lets its copy of
    asyncio.run end (which cancels the parent's session-closing task) leaves the
    parent's pooled connections alone: the parent's next call is answered at once."""
    script = textwrap.dedent(
        """
        import asyncio, os, warnings
        from julep import AsyncJulepApi, APITimeoutError
        from julep.server import LocalServer

        async def main(base_url):
            async with AsyncJulepApi(base_url=base_url, api_key="k", timeout=5) as client:
                await client.list_agents()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads
                    pid = os.fork()
                if pid == 0:
                    return "child"
                os.waitpid(pid, 0)
                try:
                    await client.list_agents()
                except APITimeoutError:
                    return "timed out"
                return "ok"

        server = LocalServer().start()
        outcome = asyncio.run(main(server.base_url))
        if outcome == "child":
            os._exit(0)
        server.stop()
        print(outcome)
        """
    )
    result = run_python(script, "-W", "error")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok", result.stdout + result.stderr
