"""A thin raw-aiohttp client for the server tests: they test the wire, not the SDK."""

from __future__ import annotations

import asyncio
import contextlib
import typing

import aiohttp
import attrs
import orjson
from aiohttp import web
from aiohttp.typedefs import Handler
from multidict import CIMultiDictProxy

_NO_BODY: typing.Any = object()


@attrs.frozen
class Reply:
    status: int
    body: typing.Any  # decoded JSON, or the text of a non-JSON body
    headers: CIMultiDictProxy[str]


class Api:
    """Requests against one server's ``/api`` base URL."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str) -> None:
        self.http = session
        self.base_url = base_url

    async def request(
        self,
        method: str,
        path: str,
        *,
        json: typing.Any = _NO_BODY,
        params: typing.Mapping[str, str] | None = None,
        headers: typing.Mapping[str, str] | None = None,
    ) -> Reply:
        kwargs: dict[str, typing.Any] = {"params": params, "headers": headers}
        if json is not _NO_BODY:
            kwargs["data"] = orjson.dumps(json)
            kwargs["headers"] = {"Content-Type": "application/json", **(headers or {})}
        async with self.http.request(method, self.base_url + path, **kwargs) as response:
            raw = await response.read()
            body: typing.Any = raw.decode()
            if response.content_type == "application/json":
                body = orjson.loads(raw)
            return Reply(response.status, body, response.headers)

    async def get(self, path: str, **kwargs: typing.Any) -> Reply:
        return await self.request("GET", path, **kwargs)

    async def post(self, path: str, **kwargs: typing.Any) -> Reply:
        return await self.request("POST", path, **kwargs)

    async def put(self, path: str, **kwargs: typing.Any) -> Reply:
        return await self.request("PUT", path, **kwargs)

    async def patch(self, path: str, **kwargs: typing.Any) -> Reply:
        return await self.request("PATCH", path, **kwargs)

    async def delete(self, path: str, **kwargs: typing.Any) -> Reply:
        return await self.request("DELETE", path, **kwargs)

    async def created(self, path: str, body: dict[str, typing.Any]) -> str:
        """POST ``body`` to ``path``, expect 201, and return the new id."""
        reply = await self.post(path, json=body)
        assert reply.status == 201, reply
        return typing.cast(str, reply.body["id"])

    async def agent(self, **fields: typing.Any) -> str:
        return await self.created("/agents", {"name": "Ann", **fields})

    async def user(self, **fields: typing.Any) -> str:
        return await self.created("/users", {"name": "Bob", **fields})

    async def session(self, agent_id: str, user_id: str | None = None, **fields: typing.Any) -> str:
        return await self.created("/sessions", {"agent_id": agent_id, "user_id": user_id, **fields})

    async def chat(
        self,
        session_id: str,
        text: str,
        *,
        headers: typing.Mapping[str, str] | None = None,
        **settings: typing.Any,
    ) -> Reply:
        body = {"messages": [{"role": "user", "content": text}], **settings}
        return await self.post(f"/sessions/{session_id}/chat", json=body, headers=headers)


async def wait_for_job(api: Api, job_id: str) -> dict[str, typing.Any]:
    """Poll a job until it is no longer pending (bounded: about 5 seconds)."""
    for _ in range(100):
        job = (await api.get(f"/jobs/{job_id}")).body
        if job["state"] != "pending":
            return typing.cast(dict[str, typing.Any], job)
        await asyncio.sleep(0.05)
    raise AssertionError(f"job {job_id} stayed pending")


def sse_events(text: str) -> list[str]:
    """The data of each server-sent event in ``text``."""
    events = []
    for block in text.split("\n\n"):
        if block:
            assert block.startswith("data: "), block
            events.append(block[len("data: ") :])
    return events


@contextlib.asynccontextmanager
async def model_endpoint(handle: Handler) -> typing.AsyncIterator[str]:
    """A loopback stand-in for an OpenAI-compatible model, ``handle`` answering its
    ``/v1/chat/completions``: the base URL to give ``LocalServer(model_url=...)``."""
    app = web.Application(client_max_size=16 * 1024 * 1024)  # prompts over 1 MiB too
    app.router.add_post("/v1/chat/completions", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    finally:
        await runner.cleanup()
