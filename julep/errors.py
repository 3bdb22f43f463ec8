"""Every exception the SDK raises.

::

    JulepError
    ├── ConfigurationError            bad or missing client configuration (also a ValueError)
    ├── APIError                      something went wrong talking to the API
    │   ├── APIConnectionError        no response: refused, reset, DNS, TLS ...
    │   │   ├── APITimeoutError       a connect, read, idle or total deadline passed
    │   │   └── ClientClosedError     the client was closed before or during the call
    │   ├── ResponseValidationError   a 2xx whose body is not JSON or not the expected shape
    │   ├── ResponseTooLargeError     a response body over the client's ``max_response_bytes``
    │   ├── StreamError               a streamed chat broke off; carries the partial text
    │   │   ├── StreamConnectionError ... its connection broke (also APIConnectionError)
    │   │   └── StreamTimeoutError    ... its idle or total limit passed (also APITimeoutError)
    │   └── APIStatusError            a non-2xx response (also ApiError, for 0.3.x code)
    │       ├── BadRequestError             400
    │       ├── AuthenticationError         401
    │       ├── PermissionDeniedError       403
    │       ├── NotFoundError               404
    │       ├── ConflictError               409
    │       ├── UnprocessableEntityError    422
    │       ├── RateLimitError              429
    │       └── InternalServerError         >= 500

The raw aiohttp or asyncio exception, when there is one, is kept as ``__cause__``.
Messages never contain the API key, and quote at most a few KB of a response
body; the whole body stays on the exception's ``body``.
"""

from __future__ import annotations

import typing

from ._api_error import ApiError

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiError",
    "AuthenticationError",
    "BadRequestError",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "JulepError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "StreamConnectionError",
    "StreamError",
    "StreamTimeoutError",
    "UnknownFieldWarning",
    "UnprocessableEntityError",
    "status_error_class",
]


# How much of a response body (or of a detail derived from it) a message quotes:
# enough to read the server's complaint, never megabytes in a log line.
MESSAGE_BODY_LIMIT = 2048


def show(value: typing.Any) -> str:
    """``str(value)`` for a message; a JSON value nested too deeply for ``str`` says so.

    A server's error body may nest arrays a thousand deep (orjson parses up to
    1024 levels): ``str()`` of it raises RecursionError, which must not replace
    the error it was describing.
    """
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except RecursionError:
        return f"<a {type(value).__name__} nested too deeply to show>"


def with_article(name: str) -> str:
    """``name`` after "a" or "an", for a message ("an AsyncJulepApi", "a Doc")."""
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def shorten(text: str, limit: int = MESSAGE_BODY_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


class JulepError(Exception):
    """The root of every error this SDK raises."""

    def __reduce__(self) -> tuple[typing.Any, ...]:
        # Most errors take keyword-only arguments, which pickle's default
        # (cls(*args)) cannot pass: rebuild without __init__ instead, so an
        # error crosses a process boundary (multiprocessing, a process pool)
        # and copy.copy works.
        return _rebuild, (type(self), self.args, self.__dict__)


def _rebuild(
    cls: type[JulepError], args: tuple[object, ...], state: dict[str, object]
) -> JulepError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigurationError(JulepError, ValueError):
    """The client was configured wrongly (a missing API key, a bad timeout...)."""


class APIError(JulepError):
    """A request failed; ``method`` and ``url`` say which one."""

    def __init__(
        self,
        message: str,
        *,
        method: str | None = None,
        url: str | None = None,
        retries_taken: int = 0,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = url
        self.retries_taken = retries_taken


class APIConnectionError(APIError):
    """No usable response arrived (connection refused or reset, DNS, TLS...)."""


class ClientClosedError(APIConnectionError):
    """The client was closed: before this call, or while it was in flight.

    It is an ``APIConnectionError`` (the request could not complete), never
    retried, and the same on both clients.
    """


class APITimeoutError(APIConnectionError):
    """A timeout passed: connect, per-attempt read, stream idle or the total deadline."""


class ResponseValidationError(APIError):
    """A 2xx response whose body is not JSON, or not the shape the API promises."""

    def __init__(
        self,
        message: str,
        *,
        body: bytes,
        status_code: int,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        retries_taken: int = 0,
    ) -> None:
        super().__init__(message, method=method, url=url, retries_taken=retries_taken)
        self.body = body
        self.status_code = status_code
        self.request_id = request_id


class ResponseTooLargeError(APIError):
    """The response body grew past the client's ``max_response_bytes`` (counted after
    decompression); reading stopped there and the connection was dropped.

    ``limit`` is that cap; ``status_code`` the response's status. Not retried: the
    same server would most likely send the same body again.
    """

    def __init__(
        self,
        *,
        limit: int,
        status_code: int,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        retries_taken: int = 0,
    ) -> None:
        message = (
            f"the response body is larger than max_response_bytes={limit} "
            f"(status {status_code}); reading stopped and the connection was dropped"
        )
        if method and url:
            message = f"{method} {url}: {message}"
        super().__init__(message, method=method, url=url, retries_taken=retries_taken)
        self.limit = limit
        self.status_code = status_code
        self.request_id = request_id


class StreamError(APIError):
    """A streamed chat failed part-way; ``partial_text`` is what had arrived.

    ``request_id`` is the stream response's ``x-request-id`` (None if it had none):
    what a provider asks for about a reply that broke off.
    """

    def __init__(
        self,
        message: str,
        *,
        partial_text: str,
        method: str | None = None,
        url: str | None = None,
        retries_taken: int = 0,
        request_id: str | None = None,
    ) -> None:
        super().__init__(message, method=method, url=url, retries_taken=retries_taken)
        self.partial_text = partial_text
        self.request_id = request_id


class StreamConnectionError(StreamError, APIConnectionError):
    """A streamed chat whose connection broke off part-way (reset, closed by the
    server); ``partial_text`` is what had arrived.

    Both a ``StreamError`` and an ``APIConnectionError``: code that catches
    network failures catches it with or without ``stream=True``, as it catches
    ``chat()``'s. ``chat(stream=True)`` retries such a stream (nothing of it
    reached the caller); ``chat_stream`` does not (part of it did).
    """


class StreamTimeoutError(StreamError, APITimeoutError):
    """A streamed chat that had started ran past ``Timeout.stream_idle`` (no event for
    that long) or ``Timeout.total``; ``partial_text`` is what had arrived.

    Both a ``StreamError`` and an ``APITimeoutError``: code that catches broken
    streams, and code that catches timeouts, each see it. Not retried: part of the
    reply was already handed to the caller.
    """


class APIStatusError(APIError, ApiError):
    """The API answered with a non-2xx status.

    ``body`` is the parsed JSON body, or the text when it is not JSON.
    ``str(error)`` starts with ``status_code: <code>, body: <body>`` as in 0.3.x;
    a ``hint`` (such as a base URL missing ``/api``) is appended to it.
    """

    def __init__(
        self,
        *,
        status_code: int,
        body: typing.Any,
        request_id: str | None = None,
        method: str | None = None,
        url: str | None = None,
        retries_taken: int = 0,
        retry_after: float | None = None,
        hint: str | None = None,
    ) -> None:
        # The 0.3.x layout, with the body cut short: a 50 MB error page must not
        # become a 50 MB log line. ``self.body`` keeps all of it.
        text = show(body)
        message = f"status_code: {status_code}, body: {shorten(text)}"
        if method and url:
            message += f" ({method} {url}"
            message += f", request id {request_id})" if request_id else ")"
        if hint:
            message += f"; {hint}"
        APIError.__init__(self, message, method=method, url=url, retries_taken=retries_taken)
        self.status_code = status_code
        self.body = body
        self.request_id = request_id
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message


class BadRequestError(APIStatusError):
    """400."""


class AuthenticationError(APIStatusError):
    """401."""


class PermissionDeniedError(APIStatusError):
    """403: the API key was refused."""


class NotFoundError(APIStatusError):
    """404."""


class ConflictError(APIStatusError):
    """409."""


class UnprocessableEntityError(APIStatusError):
    """422: the server rejected an argument."""


class RateLimitError(APIStatusError):
    """429: ``retry_after`` holds the delay the server asked for, if any."""


class InternalServerError(APIStatusError):
    """A 5xx status."""


class UnknownFieldWarning(UserWarning):
    """A model was built with a keyword it has no field for; the keyword was ignored.

    julep 0.3.9's models dropped such keywords without a word
    (``InputChatMlMessage(**history_message.dict())`` passed ``id`` along), so
    code written for it still runs; the warning shows a misspelt field that
    would otherwise be lost. ``warnings.simplefilter("error", UnknownFieldWarning)``
    makes it an error.
    """


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """The most specific error class for an HTTP status."""
    if status_code >= 500:
        return InternalServerError
    return _BY_STATUS.get(status_code, APIStatusError)
