"""What one measured call saw on the wire, and the failure Locust records for it.

The HTTP method and the bytes received are read from aiohttp's own response
objects: the shared session is built with ``MeasuredResponse``, which adds
itself to the ``Measure`` of the task that sent the request. Retries add their
responses too; the method is the last one's.
"""

from __future__ import annotations

import contextvars
import typing

import aiohttp

from ..errors import APIError, APIStatusError

_T = typing.TypeVar("_T")

_CURRENT: contextvars.ContextVar[Measure | None] = contextvars.ContextVar(
    "julep_locust_measure", default=None
)

# The HTTP method of each operation, as last seen: a call that failed before
# any response (a refused connection without a method, say) is still labelled.
_SEEN_METHODS: dict[str, str] = {}


class Measure:
    """The responses of one measured operation, gathered on the event loop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.responses: list[aiohttp.ClientResponse] = []

    async def track(self, start: typing.Callable[[], typing.Awaitable[_T]]) -> _T:
        """Await ``start()`` with this measure current, so its responses land here.

        ``start`` is called here, inside the task: a task cancelled before it
        ran then leaves no coroutine behind that was never awaited.
        """
        _CURRENT.set(self)  # the task's own context: other calls never see it
        return await start()

    @property
    def response_length(self) -> int:
        """Body bytes received, over every response (all the pages of a walk)."""
        return sum(getattr(response.content, "total_bytes", 0) for response in self.responses)

    def method(self, error: BaseException | None) -> str:
        """The HTTP method: from the last response, else the error, else as last seen."""
        method: str | None = self.responses[-1].method if self.responses else None
        if method is None and isinstance(error, APIError):
            method = error.method
        if method is not None:
            _SEEN_METHODS[self.name] = method
            return method
        return _SEEN_METHODS.get(self.name, "-")


class MeasuredResponse(aiohttp.ClientResponse):
    """An aiohttp response that reports itself to the measure of the task it belongs to."""

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        super().__init__(*args, **kwargs)
        measure = _CURRENT.get()
        if measure is not None:
            measure.responses.append(self)


def failure(error: Exception) -> Exception:
    """The exception given to Locust: the same class, with a message that names the kind.

    Locust groups failures by the text of the exception; a julep error's message
    holds the URL (with ids) and the request id, so every failure would be a
    group of its own. This copy keeps the class and the attributes (status code,
    body, request id), says only the status or the cause, and keeps the
    original as ``__cause__``.
    """
    if not isinstance(error, APIError):
        return error
    if isinstance(error, APIStatusError):
        summary = f"status {error.status_code}"
    elif error.url:
        summary = error.message.replace(error.url, "<url>")
    else:
        summary = error.message
    copy = BaseException.__new__(type(error))
    copy.__dict__.update(error.__dict__)
    copy.args = (summary,)
    copy.message = summary
    copy.__cause__ = error
    return copy
