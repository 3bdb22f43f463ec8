"""Client configuration: timeouts, retry policy, and where settings come from.

Precedence is argument > environment variable > default. The environment is
read when a client is constructed, never at import.
"""

from __future__ import annotations

import os
import re
import sys
import types
import typing
import urllib.parse
import warnings

import attrs

from ._shown import shown
from .environment import JulepApiEnvironment
from .errors import ConfigurationError

API_KEY_ENV = "JULEP_API_KEY"
BASE_URL_ENV = "JULEP_API_URL"


def _caller_stacklevel() -> int:
    """The ``stacklevel`` that points a warning raised by its caller at the first
    frame outside this package: the user's call. A fixed number cannot, as the
    depth differs (``JulepApi(...)`` goes through one more frame than
    ``AsyncJulepApi(...)``; a fixed 4 blamed ``sys:1`` for the latter)."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame: types.FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    return level


@attrs.frozen(kw_only=True)
class Timeout:
    """How long to wait, in seconds; ``None`` in a field means no limit for it.

    - ``connect``: to open a new connection (TCP and TLS handshake); waiting for a
      free slot in the pool counts against ``read`` and ``total``, as the request's
      own time (and so costs no timer of its own on every call);
    - ``read``: for one attempt, from sending the request to the end of the body;
    - ``stream_idle``: between two events of a streamed chat;
    - ``total``: the deadline for the whole call, every retry and backoff included.
      ``chat(stream=True)`` reads its stream itself, so ``total`` covers it to the
      end. For ``chat_stream``, read at the caller's own pace, ``total`` bounds the
      time spent waiting on the server inside the iteration (opening the stream and
      each wait for the next chunk); the time the caller's code takes between
      chunks does not count, so a stream read slowly is never cut for that.

    ``Timeout.NONE`` disables them all; it has to be asked for by name.
    """

    connect: float | None = 10.0
    read: float | None = 300.0
    total: float | None = 300.0
    stream_idle: float | None = 60.0

    NONE: typing.ClassVar[Timeout]

    def __attrs_post_init__(self) -> None:
        for field in attrs.fields(Timeout):
            value = getattr(self, field.name)
            if value is not None and not is_seconds(value):  # no limit is asked for with None
                raise ConfigurationError(
                    f"Timeout.{field.name} must be a positive finite number of seconds, "
                    f"or None for no limit, got {shown(value)}"
                )

    @classmethod
    def of(cls, value: float | Timeout | None) -> Timeout:
        """Read the ``timeout`` argument: a number is the read and total limit."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            # 0.3.x passed None to httpx, where it meant "wait forever". Waiting
            # forever by accident is how services hang, so it must be explicit.
            warnings.warn(
                "timeout=None keeps the default timeouts; "
                "pass timeout=julep.Timeout.NONE to wait without any limit",
                UserWarning,
                stacklevel=_caller_stacklevel(),
            )
            return cls()
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigurationError(
                f"timeout must be a number of seconds or a julep.Timeout, got {shown(value)}"
            )
        if not is_seconds(value):
            raise ConfigurationError(
                f"timeout must be a positive finite number of seconds, got {shown(value)} "
                "(to wait without any limit: timeout=julep.Timeout.NONE)"
            )
        return cls(read=float(value), total=float(value))


Timeout.NONE = Timeout(connect=None, read=None, total=None, stream_idle=None)


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """When and how long to wait before trying a failed request again.

    Connection errors, timeouts, 408, 409, 429 and 5xx are retried. The delay
    doubles from ``initial_delay`` up to ``max_delay``, each drawn at random
    between half and all of that (jitter, so clients do not retry in step),
    unless the server sends ``Retry-After`` / ``retry-after-ms``, which wins
    when it fits in the remaining deadline.

    A server's delay longer than ``max_retry_after`` seconds (default 60) is not
    waited for: the call fails at once, with the delay in the error's
    ``retry_after``. A delay that is not a finite number >= 0 is ignored.
    """

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0

    @classmethod
    def of(cls, value: int | RetryPolicy) -> RetryPolicy:
        """Read the ``max_retries`` argument: a count, or a whole policy."""
        return value if isinstance(value, RetryPolicy) else cls(max_retries=value)

    def __attrs_post_init__(self) -> None:
        if isinstance(self.max_retries, bool) or not isinstance(self.max_retries, int):
            raise ConfigurationError(f"max_retries must be an int, got {self.max_retries!r}")
        if self.max_retries < 0:
            raise ConfigurationError(f"max_retries must be >= 0, got {self.max_retries}")
        for name in ("initial_delay", "max_delay", "max_retry_after"):
            delay = getattr(self, name)
            if not is_seconds(delay, allow_zero=True):
                raise ConfigurationError(
                    f"{name} must be a finite number of seconds >= 0, got {delay!r}"
                )


def is_seconds(value: object, *, allow_zero: bool = False) -> bool:
    """A finite number of seconds, > 0 (>= 0 with ``allow_zero``).

    Not NaN, which compares false with every deadline (no limit, by accident),
    nor infinity, which breaks aiohttp's timers, nor an int too large for a
    float (10**400), which would raise OverflowError where it is used.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return (value >= 0 if allow_zero else value > 0) and value <= sys.float_info.max


def byte_limit(name: str, value: int) -> int:
    """Check a size limit argument: an int of bytes > 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigurationError(f"{name} must be an int number of bytes > 0, got {shown(value)}")
    return value


class Secret(str):
    """A str whose ``repr`` hides it.

    The API key and the ``Authorization`` header are held as this type, so a
    traceback rendered with local variables (what error trackers record) shows
    ``'<redacted>'`` where a headers dict holds the key. ``str()`` and the bytes
    sent on the wire are the real value.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


class SecretBytes(bytes):
    """The key's bytes, with the same hidden ``repr`` as ``Secret``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "b'<redacted>'"


def resolve_api_key(api_key: str | None) -> str:
    """The key from the argument, else from JULEP_API_KEY; a clear error if neither."""
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if key is not None and not isinstance(key, str):
        raise ConfigurationError(f"api_key must be a str, got {type(key).__name__}")
    if key is None or not key.strip():
        raise ConfigurationError(
            f"no API key: pass api_key=... or set the {API_KEY_ENV} environment variable"
        )
    if _CONTROL.search(key):
        # Never quote the key itself: the message may end up in a log.
        raise ConfigurationError(
            "api_key contains a control character (a newline?); check how it was read"
        )
    return Secret(key)


# Characters no HTTP header value may hold (they would split or end the header).
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


def header_mapping(headers: typing.Mapping[str, str] | None) -> typing.Mapping[str, str]:
    """The ``headers`` argument: a mapping (a dict, ``multidict``...), or None for none."""
    if headers is None:
        return {}
    if not isinstance(headers, typing.Mapping):
        raise ConfigurationError(
            f"headers must be a mapping of str to str, got {type(headers).__name__}: {headers!r}"
        )
    return headers


def merged_headers(
    base: typing.Mapping[str, str], extra: typing.Mapping[str, str]
) -> dict[str, str]:
    """``base`` with ``extra`` over it: a name in ``extra``, in any case, replaces
    ``base``'s, and ``extra``'s names come after in their own order (so, of
    two given in different cases, the last one given is sent)."""
    # items(), not {**extra}: a multidict holding a name twice (in any case)
    # answers extra[name] with its first value, so the last given was lost.
    given = list(extra.items())
    replaced = {name.lower() for name, _ in given if isinstance(name, str)}
    merged = {name: value for name, value in base.items() if name.lower() not in replaced}
    for name, value in given:
        merged.pop(name, None)  # a repeated name goes where it was last given
        merged[name] = value
    return merged


def check_headers(headers: typing.Mapping[str, str] | None) -> None:
    """Extra headers are str names and values without control characters (raised at once);
    none of them is the Idempotency-Key the client sets itself."""
    for name, value in (headers or {}).items():
        check_header(name, value)
        if name.lower() == "idempotency-key":
            # Every non-GET call gets a key of its own; a header would go out beside
            # it (or be replaced), and one key fixed for a whole client would make
            # the server replay its first answer to every later create.
            raise ConfigurationError(
                "headers must not set Idempotency-Key: each call gets its own; to fix "
                "one for a retry by hand, use client.with_options(idempotency_key=...)"
            )


def check_header(name: object, value: object) -> None:
    """One header that HTTP can carry: str name and value, no control characters."""
    if not isinstance(name, str) or not isinstance(value, str):
        raise ConfigurationError(
            f"headers must map str to str, got {type(name).__name__} -> "
            f"{type(value).__name__} for {name!r}"
        )
    if _CONTROL.search(name) or _CONTROL.search(value):
        raise ConfigurationError(f"header {name!r} contains a control character")
    if not _TOKEN.fullmatch(name):
        # A space, a colon or a non-ASCII letter in a name is not HTTP: servers
        # answer 400, or read "X:Name: a" as another header.
        raise ConfigurationError(
            f"header name {name!r} is not a valid HTTP header name "
            "(ASCII letters, digits and !#$%&'*+-.^_`|~ only)"
        )


def resolve_base_url(base_url: str | None, environment: JulepApiEnvironment) -> str:
    """The base URL, always ending in one slash so relative paths join under it."""
    if not isinstance(environment, JulepApiEnvironment):
        raise ConfigurationError(
            f"environment must be a julep.JulepApiEnvironment, got {environment!r}"
            + ("; a URL goes in base_url=" if isinstance(environment, str) else "")
        )
    url = base_url if base_url is not None else os.environ.get(BASE_URL_ENV)
    if url is None:
        url = environment.value
    if isinstance(url, str):
        # A URL read from a file or an environment variable may end in a newline;
        # a scheme is case-insensitive (RFC 3986), so "HTTPS://host/api" is one too.
        url = url.strip()
        if url[:8].lower().startswith(("http://", "https://")):
            scheme_end = url.index(":")
            url = url[:scheme_end].lower() + url[scheme_end:]
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigurationError(f"base_url must be an http(s) URL, got {url!r}")
    if _CONTROL.search(url):
        raise ConfigurationError(f"base_url contains a control character: {url!r}")
    try:
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 -- raises for a port out of range or not a number
    except ValueError as exc:
        raise ConfigurationError(f"base_url is not a valid URL ({exc}): {url!r}") from None
    if not parts.hostname:
        raise ConfigurationError(f"base_url has no host: {url!r}")
    if "@" in parts.netloc:
        raise ConfigurationError(
            "base_url must not carry credentials (user:password@); pass the key as api_key"
        )
    if "?" in url or "#" in url:
        # Paths are appended to the base URL: they would land in its query
        # ('/api?v=1/agents') or be dropped with its fragment.
        raise ConfigurationError(
            f"base_url must be the API's root URL, without a query or fragment: {url!r}"
        )
    # Requests are sent as written (yarl's encoded=True): a space or a non-ASCII
    # letter in the path would go raw into the request line, which a server
    # refuses ("Bad status line"). Percent-encode them, as julep 0.3.9 (httpx) did.
    root = url[: len(parts.scheme) + 3 + len(parts.netloc)]
    url = root + urllib.parse.quote(parts.path, safe="/%!$&'()*+,;=:@-._~")
    return url.rstrip("/") + "/"


def authorization_header(api_key: str) -> str:
    """``Bearer <key>``; a key that already carries the scheme (in any case, as
    HTTP reads it: ``bearer <key>``) is sent as is."""
    has_scheme = api_key[:7].lower() == "bearer "
    return Secret(api_key if has_scheme else f"Bearer {api_key}")
