"""The pure core of a call: retry decisions, delays, decoding and error mapping.

Nothing here awaits or touches a socket, so all of it is tested without a loop.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import email.utils
import functools
import random
import re
import sys
import time
import typing
import urllib.parse

import attrs
import cattrs
import orjson

from . import _bigjson
from ._config import RetryPolicy
from ._filling import filling_class
from ._linked_errors import linked_errors
from ._serde import converter, describe_error
from .errors import APIStatusError, ResponseValidationError, shorten, status_error_class
from .models._base import ResponseInfo, ResponseModel

_T = typing.TypeVar("_T")

RETRYABLE_STATUSES = frozenset({408, 409, 429})

# A delay is digits, with a fraction if a server insists: not "nan", "inf",
# "-1" or "1e999", which float() would accept.
_DELAY = re.compile(r"\s*(\d+(?:\.\d+)?)\s*", re.ASCII)


# Not kw_only: the transport makes one per response positionally, which costs
# half of a call binding seven keywords.
@attrs.define
class RawResponse:
    """A complete response as the transport read it; the retry loop sets ``retries_taken``."""

    method: str
    url: str
    status: int
    headers: typing.Mapping[str, str]
    body: bytes
    retries_taken: int = 0
    elapsed: float = 0.0

    @property
    def request_id(self) -> str | None:
        return self.headers.get("x-request-id")


def is_retryable_status(status: int) -> bool:
    return status >= 500 or status in RETRYABLE_STATUSES


def parse_retry_after(headers: typing.Mapping[str, str], now: float | None = None) -> float | None:
    """The delay the server asked for, in seconds: finite and >= 0, or None.

    ``retry-after-ms`` wins over ``Retry-After``, which may be seconds or an
    HTTP date (a date in the past means now). A value that is none of these
    (``nan``, ``inf``, negative, junk) is ignored, as if absent. A huge value is
    returned as it is: the retry loop compares it with the policy's cap.
    """
    millis = _delay(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _delay(value)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(value)
        when_ts = when.timestamp() if when.tzinfo is not None else _as_utc(when)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    current = time.time() if now is None else now
    return max(when_ts - current, 0.0)


def _delay(value: str | None) -> float | None:
    if value is None:
        return None
    match = _DELAY.fullmatch(value)
    if match is None:
        return None
    # Digits only, so never nan; hundreds of them overflow to inf, which is
    # kept finite: it is a valid (absurd) delay, far past any cap.
    return min(float(match.group(1)), sys.float_info.max)


def _as_utc(when: dt.datetime) -> float:
    """A date without a zone (``-0000``) is UTC, not the machine's local time."""
    return when.replace(tzinfo=dt.timezone.utc).timestamp()


def backoff_delay(
    retry_number: int, policy: RetryPolicy, rng: random.Random | None = None
) -> float:
    """Full-jitter exponential backoff for the ``retry_number``-th retry (from 1)."""
    ceiling = min(policy.initial_delay * (2 ** (retry_number - 1)), policy.max_delay)
    return (rng or random).uniform(ceiling / 2, ceiling)


def parse_body(body: bytes) -> typing.Any:
    """The JSON of an error body, else its text ('' when empty)."""
    try:
        return _bigjson.loads(body)
    except orjson.JSONDecodeError:
        return body.decode("utf-8", "replace")


def missing_api_hint(status: int, url: str) -> str | None:
    """For a 404 from a URL whose path has no ``/api`` segment: the likely cause."""
    if status != 404 or "api" in urllib.parse.urlsplit(url).path.split("/"):
        return None
    return (
        "hint: the URL has no /api in its path; the Julep API is served under /api, "
        "so base_url should end in /api (e.g. https://api-alpha.julep.ai/api)"
    )


def redirect_hint(status: int, url: str, headers: typing.Mapping[str, str]) -> str | None:
    """For a 3xx with a ``Location``: where it leads, since the SDK does not follow it.

    A base URL written ``http://`` for an HTTPS-only API, or without its
    trailing path, is answered with a redirect; the bare status and its empty
    body would not say where to go.
    """
    location = headers.get("Location") if 300 <= status < 400 else None
    if not location:
        return None
    try:
        target = urllib.parse.urljoin(url, location.strip())
    except ValueError:  # not a URL ("http://[::1"): as the server sent it
        target = location.strip()
    return (
        f"hint: the server redirects to {shorten(target)}; redirects are not followed "
        "(the API key would go along): if the API moved there, change base_url to match"
    )


REDACTED = "<redacted>"


def secrets_of(api_key: str, authorizations: typing.Iterable[str]) -> tuple[str, ...]:
    """What must never be shown: the key, and the credentials Authorization headers send.

    A caller's own ``Authorization`` (``headers=`` or ``with_options(headers=...)``)
    replaces the one made from the key on the wire, and is as secret.
    """
    found = {api_key.strip()}
    for authorization in authorizations:
        found.add(authorization.strip())
        scheme, _, credential = authorization.strip().partition(" ")
        credential = credential.strip()
        if credential:
            found.add(credential)
        if scheme.lower() == "basic":  # a proxy's user:password, base64-encoded on the wire
            with contextlib.suppress(ValueError):
                user_password = base64.b64decode(credential, validate=True).decode()
                found.update((user_password, user_password.partition(":")[2]))
    # Longest first, so a header's "Bearer <key>" is blanked whole, not around the key.
    # Under 4 characters (a dev-mode key such as "a") there is nothing to hide.
    return tuple(sorted((s for s in found if len(s) >= 4), key=len, reverse=True))


# A secret this long is blanked wherever it appears. A shorter one (dev-mode
# keys such as "dev-key") only where it stands alone: blanking "any" inside
# "company" would rewrite the words of a message, and the keys of a JSON body
# ({'det<redacted>il': ...}), while hiding nothing.
LONG_SECRET_CHARS = 8
# The characters a key or token is made of: a secret next to one of these is
# part of a longer word, not the secret itself. Not "/": a key in a URL's path
# (get_agent("dev-key") with that key) stands alone between its slashes. A "."
# joins words only with a word character beyond it ("dev-key.x"), not as a
# sentence's end ("Invalid key dev-key."); "=" only after a word (base64's
# padding), while "key=dev-key" names the key alone.
_BEFORE = "A-Za-z0-9_~+-"
_AFTER = "A-Za-z0-9_~+=-"


def _standalone_pattern(secret: str) -> str:
    return f"(?<![{_BEFORE}])(?<![{_BEFORE}]\\.){re.escape(secret)}(?![{_AFTER}])(?!\\.[{_AFTER}])"


@functools.lru_cache(maxsize=32)
def _standalone(secret: str) -> re.Pattern[str]:
    return re.compile(_standalone_pattern(secret))


@functools.lru_cache(maxsize=32)
def _standalone_bytes(secret: bytes) -> re.Pattern[bytes]:
    before, after = _BEFORE.encode(), _AFTER.encode()
    escaped = re.escape(secret)
    return re.compile(
        b"(?<!["
        + before
        + b"])(?<!["
        + before
        + rb"]\.)"
        + escaped
        + b"(?!["
        + after
        + rb"])(?!\.["
        + after
        + b"])"
    )


def redact_text(text: str, secrets: typing.Iterable[str]) -> str:
    for secret in secrets:
        if secret in text:
            if len(secret) >= LONG_SECRET_CHARS:
                text = text.replace(secret, REDACTED)
            else:
                text = _standalone(secret).sub(REDACTED, text)
    return text


def redact_bytes(data: bytes, secrets: typing.Iterable[str]) -> bytes:
    for secret in secrets:
        raw = secret.encode("utf-8", "replace")
        if raw in data:
            if len(secret) >= LONG_SECRET_CHARS:
                data = data.replace(raw, REDACTED.encode())
            else:
                data = _standalone_bytes(raw).sub(REDACTED.encode(), data)
    return data


def redact_value(value: typing.Any, secrets: tuple[str, ...]) -> typing.Any:
    """A parsed JSON body (or its text) with every string holding a secret blanked.

    Catches a key the server wrote JSON-escaped (``\\u002d``, ``\\/``), which the
    byte-level pass cannot see. Lists and dicts are changed in place (the body
    was just parsed, it is ours), walked without recursion: JSON may nest a
    thousand levels deep.
    """
    if isinstance(value, str):
        return redact_text(value, secrets)
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            for index, item in enumerate(node):
                if isinstance(item, str):
                    node[index] = redact_text(item, secrets)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
        elif isinstance(node, dict):
            for key in list(node):
                item = node[key]
                if isinstance(item, str):
                    node[key] = redact_text(item, secrets)
                elif isinstance(item, (list, dict)):
                    stack.append(item)
                redacted = redact_text(key, secrets)
                if redacted != key:
                    node[redacted] = node.pop(key)
    return value


def redact_error(error: BaseException, secrets: tuple[str, ...]) -> None:
    """Blank the secrets out of an error's message, body and causes, in place.

    aiohttp quotes the bytes it refused (a malformed or oversized header line, a
    bad status line): a server that echoes the request's Authorization header
    there would otherwise put the key into our message, the log line and the
    ``__cause__`` a traceback prints.
    """
    if not secrets:
        return
    for current in linked_errors(error):
        with contextlib.suppress(Exception):  # an exception type with read-only args
            current.args = tuple(_redact_arg(arg, secrets) for arg in current.args)
        for name, attribute in list(getattr(current, "__dict__", {}).items()):
            with contextlib.suppress(Exception):
                if isinstance(attribute, str):
                    setattr(current, name, redact_text(attribute, secrets))
                elif isinstance(attribute, bytes) and name == "body":
                    setattr(current, name, redact_bytes(attribute, secrets))
                elif name == "message":
                    setattr(current, name, _redact_arg(attribute, secrets))


def _redact_arg(value: typing.Any, secrets: tuple[str, ...]) -> typing.Any:
    """An exception argument with the secrets blanked: a str as it is, anything else
    only when its text shows one, then as that text.

    aiohttp's ServerDisconnectedError holds the half-parsed response (headers
    included, which an echoing server may have filled with the request's
    Authorization), and its str() lists them in every printed traceback.
    """
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, (list, tuple)) and any(isinstance(v, BaseException) for v in value):
        return value  # an exception group's members, each redacted on its own
    try:
        text = str(value)
    except Exception:  # RecursionError, or a __str__ that fails: nothing shown
        return value
    redacted = redact_text(text, secrets)
    return value if redacted == text else redacted


def request_id_of(headers: typing.Mapping[str, str], secrets: tuple[str, ...]) -> str | None:
    """The response's ``x-request-id``, with the secrets blanked.

    A server or proxy that echoes the request's headers may fill it with the
    Authorization it received; it is quoted in error messages and log lines.
    """
    request_id = headers.get("x-request-id")
    if request_id is None or not secrets:
        return request_id
    return redact_text(request_id, secrets)


def status_error(raw: RawResponse, secrets: tuple[str, ...] = ()) -> APIStatusError:
    """The typed error for a non-2xx response.

    A server that echoes the request (Authorization included) in its error
    page must not put the key into a message or a log: ``secrets`` are blanked.
    """
    # Any status worth retrying may say when to retry, not only 429 and 503.
    retry_after = parse_retry_after(raw.headers) if is_retryable_status(raw.status) else None
    body = parse_body(redact_bytes(raw.body, secrets))
    if secrets and b"\\" in raw.body:  # JSON escapes may hide a secret from the byte pass
        body = redact_value(body, secrets)
    # The URL too: a short dev key given as an id is in it (longer keys are refused there).
    url = redact_text(raw.url, secrets) if secrets else raw.url
    hint = missing_api_hint(raw.status, url) or redirect_hint(raw.status, url, raw.headers)
    if hint is not None and secrets:
        hint = redact_text(hint, secrets)  # a Location may echo the request
    return status_error_class(raw.status)(
        hint=hint,
        status_code=raw.status,
        body=body,
        request_id=request_id_of(raw.headers, secrets),
        method=raw.method,
        url=url,
        retries_taken=raw.retries_taken,
        retry_after=retry_after,
    )


# Each response class's structure function, looked up once: converter.structure()
# dispatches on every call (~0.3 us of a ~2.5 us ChatResponse). Every hook is
# registered when julep._serde is imported, so a cached one never goes stale;
# the classes are the operations' response types, a fixed few.
_STRUCTURE_HOOKS: dict[typing.Any, typing.Callable[[typing.Any, typing.Any], typing.Any]] = {}


def structure(data: typing.Any, cls: type[_T]) -> _T:
    """``converter.structure(data, cls)``, without its dispatch on every call."""
    return _structure_hook(cls)(data, cls)


def _structure_hook(cls: type[_T]) -> typing.Callable[[typing.Any, type[_T]], _T]:
    hook = _STRUCTURE_HOOKS.get(cls)
    if hook is None:
        hook = _STRUCTURE_HOOKS[cls] = converter.get_structure_hook(cls)
    return hook


def decode(raw: RawResponse, cls: type[_T], secrets: tuple[str, ...] = ()) -> _T:
    """Decode a 2xx body into ``cls``; never lets a JSON or cattrs error escape.

    ``secrets`` are blanked in the ``response_info.request_id`` it is given (a
    server or proxy may echo the request's Authorization there)."""
    try:
        # The hook itself, not structure(): one call less on every response.
        value = _bigjson.loads_into(raw.body, cls, _structure_hook(cls))
    except orjson.JSONDecodeError as exc:
        raise _invalid(raw, f"the response body is not JSON: {exc}") from exc
    except (cattrs.BaseValidationError, TypeError, ValueError, AttributeError) as exc:
        detail = describe_error(exc)
        raise _invalid(raw, f"the response is not a valid {cls.__name__}: {detail}") from exc
    # type's own check: the models' metaclass is an ABCMeta, whose isinstance walks
    # its registry (no model registers virtual subclasses) on every response.
    if type.__instancecheck__(ResponseModel, value):
        request_id = request_id_of(raw.headers, secrets)
        model = typing.cast(ResponseModel, value)
        set_response_info(model, raw.status, request_id, raw.retries_taken, raw.elapsed)
    return value


# The frozen ResponseInfo, filled by plain assignment through its twin, and
# the response_info slot of a model: what their attrs __init__ would do, without
# its keyword binding, on every decoded response.
_INFO_FILLING: type[ResponseInfo] = filling_class(ResponseInfo) or ResponseInfo
if _INFO_FILLING is ResponseInfo:  # ResponseInfo gained an __init_subclass__ or a metaclass
    raise ImportError("julep._http fills ResponseInfo through a twin class; it cannot have one")
_set_response_info = ResponseModel.__dict__["response_info"].__set__


def set_response_info(
    model: ResponseModel,
    status: int,
    request_id: str | None,
    retries_taken: int,
    elapsed: float,
) -> None:
    """Give a model read from a response (whole or streamed) its ``response_info``."""
    info = object.__new__(_INFO_FILLING)
    info.status_code = status  # type: ignore[misc]  # frozen for everyone else
    info.request_id = request_id  # type: ignore[misc]
    info.retries_taken = retries_taken  # type: ignore[misc]
    info.elapsed = elapsed  # type: ignore[misc]
    info.__class__ = ResponseInfo
    _set_response_info(model, info)


def _invalid(raw: RawResponse, message: str) -> ResponseValidationError:
    return ResponseValidationError(
        f"{shorten(message)} ({raw.method} {raw.url}, status {raw.status})",
        body=raw.body,
        status_code=raw.status,
        request_id=raw.request_id,
        method=raw.method,
        url=raw.url,
        retries_taken=raw.retries_taken,
    )
