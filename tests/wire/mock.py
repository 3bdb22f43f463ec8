"""aioresponses glue: canned responses and the requests the client really made."""

from __future__ import annotations

import re
import types
import typing

import aiohttp
import attrs
import orjson
from aioresponses import aioresponses
from yarl import URL

BASE_URL = "http://127.0.0.1:9/api"
ANY_URL = re.compile(r"^http://127\.0\.0\.1:9/.*$")


class MockResponse(aiohttp.ClientResponse):
    """aioresponses 0.7.9 predates aiohttp 3.14's ``stream_writer`` argument."""

    def __init__(self, method: str, url: URL, **kwargs: typing.Any) -> None:
        kwargs.setdefault("stream_writer", types.SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


@attrs.frozen
class SentRequest:
    method: str
    url: URL
    headers: dict[str, str]
    body: bytes | None

    @property
    def path(self) -> str:
        return self.url.path

    @property
    def query(self) -> dict[str, str]:
        return dict(self.url.query)

    def json(self) -> typing.Any:
        assert self.body is not None, "the request had no body"
        return orjson.loads(self.body)


def respond(
    mock: aioresponses,
    method: str,
    *,
    status: int = 200,
    payload: typing.Any = None,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    repeat: bool = False,
) -> None:
    """Answer every ``method`` request to the test base URL with this response."""
    options: dict[str, typing.Any] = {
        "status": status,
        "headers": headers,
        "repeat": repeat,
        "response_class": MockResponse,
    }
    if body is not None:
        options["body"] = body
    elif payload is not None:
        options["payload"] = payload
    mock.add(ANY_URL, method=method, **options)


def sent(mock: aioresponses) -> list[SentRequest]:
    """Every request made, in order."""
    calls: list[SentRequest] = []
    for (method, url), requests in mock.requests.items():
        for call in requests:
            kwargs = call.kwargs
            calls.append(
                SentRequest(
                    method=method,
                    url=URL(str(url)),
                    headers=dict(kwargs.get("headers") or {}),
                    body=kwargs.get("data"),
                )
            )
    return calls
