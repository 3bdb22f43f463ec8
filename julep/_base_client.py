"""Configuration, the retry loop and lifecycle of ``AsyncJulepApi``.

The operations themselves live in ``_operations``; each builds a path, a query
and a body, then calls :meth:`BaseAsyncClient._request`.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import logging
import os
import sys
import time
import types
import typing
import urllib.parse

import aiohttp
from multidict import CIMultiDict, CIMultiDictProxy

from . import _http
from ._config import (
    API_KEY_ENV,
    RetryPolicy,
    Secret,
    Timeout,
    authorization_header,
    byte_limit,
    check_header,
    check_headers,
    header_mapping,
    merged_headers,
    resolve_api_key,
    resolve_base_url,
)
from ._idempotency import fresh_key
from ._logging import configure_from_env, logger
from ._network import DEFAULT as DEFAULT_NETWORK
from ._network import CertTypes, NetworkSettings, VerifyTypes, settings_for
from ._serde import encode_json
from ._sse import DEFAULT_MAX_EVENT_BYTES
from ._transport import DEFAULT_MAX_RESPONSE_BYTES, StreamBody, Transport, _min_limit
from ._types import OMIT, JSONObject
from ._version import __version__
from .environment import JulepApiEnvironment
from .errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    ClientClosedError,
    ConfigurationError,
    ResponseTooLargeError,
    ResponseValidationError,
    with_article,
)

_T = typing.TypeVar("_T")
_R = typing.TypeVar("_R", "_http.RawResponse", "_http.RawResponse | StreamBody")
_Self = typing.TypeVar("_Self", bound="BaseAsyncClient")

USER_AGENT = (
    f"julep-python/{__version__} (python {sys.version_info[0]}.{sys.version_info[1]}; "
    f"aiohttp {aiohttp.__version__})"
)


class _Request(typing.NamedTuple):
    """A request ready to send, as many times as the retry policy allows."""

    method: str
    url: str
    headers: typing.Mapping[str, str]
    data: bytes | None


# _Request((...)) without the keyword-binding __new__ a NamedTuple generates
# (~0.3 us on every call).
_new_request: typing.Callable[[tuple[str, str, typing.Mapping[str, str], bytes | None]], _Request]
_new_request = functools.partial(tuple.__new__, _Request)


def check_httpx_client(httpx_client: object) -> None:
    """julep 0.3.9's ``httpx_client`` keyword: ``None`` is accepted as it was; a client is
    refused with what to pass instead, since this SDK does not run on httpx."""
    if httpx_client is not None:
        raise ConfigurationError(
            f"httpx_client: this SDK runs on aiohttp and cannot use "
            f"{type(httpx_client).__name__}; pass its settings instead (timeout=, headers=, "
            "proxy=, verify=, cert=), or an aiohttp.ClientSession as session= to AsyncJulepApi"
        )


_DEFAULT_CONNECTION_LIMIT = 100


class BaseAsyncClient:
    """State and plumbing shared by every operation."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        environment: JulepApiEnvironment = JulepApiEnvironment.DEFAULT,
        api_key: str | None = None,
        timeout: float | Timeout | None = 300,
        httpx_client: object = None,
        max_retries: int | RetryPolicy = 2,
        session: aiohttp.ClientSession | None = None,
        connection_limit: int = _DEFAULT_CONNECTION_LIMIT,
        headers: typing.Mapping[str, str] | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        proxy: str | None = None,
        trust_env: bool = True,
        verify: VerifyTypes = True,
        cert: CertTypes | None = None,
    ) -> None:
        configure_from_env()
        # From here on this frame's locals show '<redacted>', should an error
        # below be rendered with them.
        api_key = Secret(api_key) if isinstance(api_key, str) else api_key
        check_httpx_client(httpx_client)
        if session is not None and not isinstance(session, aiohttp.ClientSession):
            raise ConfigurationError(
                f"session must be an aiohttp.ClientSession, got {type(session).__name__}"
            )
        if session is not None and session.auth is not None:
            # aiohttp refuses an Authorization header beside the session's auth, with a
            # bare ValueError on every call; the key is what authenticates to the API.
            raise ConfigurationError(
                "session: an aiohttp.ClientSession made with auth= cannot send the API key "
                "(aiohttp refuses an Authorization header beside it); pass one without auth"
            )
        if (
            isinstance(connection_limit, bool)
            or not isinstance(connection_limit, int)
            or (connection_limit < 0)
        ):
            raise ConfigurationError(
                f"connection_limit must be an int >= 0 (0: no limit), got {connection_limit!r}"
            )
        if session is not None and connection_limit != _DEFAULT_CONNECTION_LIMIT:
            # The pool is the caller's session's connector's: a limit given here
            # would be silently ignored.
            raise ConfigurationError(
                "connection_limit= sizes the pool of the session the client opens; with "
                "session=, give your aiohttp.TCPConnector(limit=...) instead"
            )
        try:
            self._base_url = resolve_base_url(base_url, environment)
        except ConfigurationError as exc:
            # Its message quotes the URL, which may hold the key (``?api_key=...``).
            raise _without_key(exc, api_key) from None
        self._timeout = Timeout.of(timeout)
        self._retry = RetryPolicy.of(max_retries)
        self._idempotency_key: str | None = None
        # Set only on the attempts of chat(stream=True), each a client whose
        # Timeout.total is what is left of the call's: the total its deadline
        # messages name, and the retries the call took before this attempt.
        self._call_total: float | None = None
        self._retries_before = 0
        self._transport = Transport(
            session=session,
            connection_limit=connection_limit,
            max_response_bytes=byte_limit("max_response_bytes", max_response_bytes),
            max_event_bytes=byte_limit("max_event_bytes", max_event_bytes),
            network=_network_settings(
                self._base_url, session, proxy=proxy, trust_env=trust_env, verify=verify, cert=cert
            ),
        )
        self._owns_transport = True
        key = resolve_api_key(api_key)
        # The key, to blank out of error messages and bodies that echo the request.
        self._api_key = Secret(key)
        self._secrets: tuple[str, ...] = ()
        own = {
            "Authorization": authorization_header(key),
            "User-Agent": USER_AGENT,
            "Accept": "application/json",
        }
        self._set_headers(merged_headers(own, header_mapping(headers)))
        if any(secret in self._base_url for secret in self._url_secrets):
            # Every request's URL, the client's repr and each error message would
            # show it (a key given as a path segment of the base URL).
            self._base_url = _http.redact_text(self._base_url, self._secrets)
            raise ConfigurationError(
                "base_url holds the API key (or another credential); pass the key as api_key only"
            )

    def _set_headers(self, headers: dict[str, str]) -> None:
        check_headers(headers)
        # Built once: the request path only picks one of the two multidicts
        # below. An Authorization of the caller's own is redacted in reprs like ours.
        headers = {k: Secret(v) if k.lower() == "authorization" else v for k, v in headers.items()}
        authorizations = [v for k, v in headers.items() if k.lower() == "authorization"]
        # The proxy's credentials too: a proxy's error page may echo the request.
        proxy_authorization = self._transport.network.proxy_authorization
        if proxy_authorization is not None:
            authorizations.append(proxy_authorization)
        self._secrets = tuple(Secret(s) for s in _http.secrets_of(self._api_key, authorizations))
        # Those a URL must never carry: proxies, gateways and servers log URLs,
        # and error messages quote them. Short dev keys ("dev-key") could be words.
        # A key with characters a URL escapes ("+", "/") goes into it escaped.
        self._url_secrets = tuple(
            {
                form: None
                for s in self._secrets
                if len(s) >= _http.LONG_SECRET_CHARS
                for form in (str(s), urllib.parse.quote(s, safe=""), urllib.parse.quote_plus(s))
            }
        )
        self._headers = headers
        # What requests send, one value per name in any case (the last given
        # wins, the caller's over the SDK's), and a JSON body's Content-Type
        # over the caller's. Multidicts: aiohttp takes them as they are, where
        # it rebuilds a dict header by header (~0.5 us a request).
        sent: CIMultiDict[str] = CIMultiDict()
        for name, value in headers.items():
            sent[name] = value
        self._sent_headers = CIMultiDictProxy(sent)
        sent = sent.copy()
        sent["Content-Type"] = "application/json"
        self._sent_json_headers = CIMultiDictProxy(sent)

    @property
    def base_url(self) -> str:
        return self._base_url

    @property
    def timeout(self) -> Timeout:
        return self._timeout

    @property
    def max_retries(self) -> int:
        return self._retry.max_retries

    def __repr__(self) -> str:
        # Also for one whose __init__ failed: tracebacks rendered with locals show it.
        return f"{type(self).__name__}(base_url={self.__dict__.get('_base_url')!r})"

    def __reduce__(self) -> typing.NoReturn:
        raise TypeError(
            f"{with_article(type(self).__name__)} holds a connection pool "
            "and cannot be pickled; "
            "create a client in each process"
        )

    def with_options(
        self: _Self,
        *,
        timeout: float | Timeout | None = OMIT,
        max_retries: int | RetryPolicy = OMIT,
        idempotency_key: str | None = OMIT,
        headers: typing.Mapping[str, str] | None = None,
    ) -> _Self:
        """A client with other settings that shares this one's connection pool.

        Closing the derived client leaves the pool open; closing this one closes it.
        ``idempotency_key`` fixes the key sent with the derived client's non-GET
        requests (one key per call is generated otherwise).
        """
        derived = object.__new__(type(self))
        derived.__dict__.update(self.__dict__)
        derived._owns_transport = False
        if timeout is not OMIT:
            derived._timeout = Timeout.of(timeout)
        if max_retries is not OMIT:
            derived._retry = RetryPolicy.of(max_retries)
        if idempotency_key is not OMIT:
            if idempotency_key is not None and (
                not isinstance(idempotency_key, str) or not idempotency_key
            ):
                raise ConfigurationError(
                    f"idempotency_key must be a non-empty str, got {idempotency_key!r}"
                )
            if idempotency_key is not None:
                # Sent as a header: a newline would be refused by aiohttp on every call.
                check_header("Idempotency-Key", idempotency_key)
            derived._idempotency_key = idempotency_key
        if headers:
            derived._set_headers(merged_headers(self._headers, header_mapping(headers)))
        return derived

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in by the caller)."""
        if self._owns_transport:
            await self._transport.close()

    async def __aenter__(self: _Self) -> _Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: types.TracebackType | None,
    ) -> None:
        await self.close()

    # --- the request path ------------------------------------------------------

    def _new_idempotency_key(self) -> str:
        """The key of one call: the caller's fixed one, else a fresh random one."""
        return self._idempotency_key or fresh_key()

    def _build_request(
        self,
        method: str,
        path: str,
        *,
        query: str = "",
        json: JSONObject | None = None,
        stream: bool = False,
    ) -> _Request:
        """The one place a request is made: URL, headers, idempotency key and body.

        Plain, streamed and retried calls all send what this returns, so a body
        holding models encodes the same way on every path.
        """
        url = self._base_url + path + ("?" + query if query else "")
        for secret in self._url_secrets:
            if secret in url:
                raise ValueError(
                    "an id or query argument holds the API key (or another credential); "
                    "refusing to send it in a URL"
                )
        if json is None:
            data, shared = None, self._sent_headers
        else:
            data, shared = encode_json(json), self._sent_json_headers
        if not stream and method == "GET":
            return _new_request((method, url, shared, data))
        headers = shared.copy()
        if stream:
            headers["Accept"] = "text/event-stream"
        if method != "GET":
            # One key for every attempt of this call: a server that has seen it
            # replays its first answer instead of doing the work twice.
            headers["Idempotency-Key"] = self._new_idempotency_key()
        return _new_request((method, url, headers, data))

    @typing.overload
    async def _request(
        self,
        method: str,
        path: str,
        cast_to: type[_T],
        *,
        query: str = "",
        json: JSONObject | None = None,
    ) -> _T: ...

    @typing.overload
    async def _request(
        self,
        method: str,
        path: str,
        cast_to: None,
        *,
        query: str = "",
        json: JSONObject | None = None,
    ) -> None: ...

    async def _request(
        self,
        method: str,
        path: str,
        cast_to: type[_T] | None,
        *,
        query: str = "",
        json: JSONObject | None = None,
    ) -> _T | None:
        request = self._build_request(method, path, query=query, json=json)
        # The first attempt is made here, not through the retry loop: most calls
        # succeed at once, and each coroutine layer costs on every call.
        timeout = self._timeout
        started = time.monotonic()
        try:
            raw = await self._transport.send(
                method,
                request.url,
                headers=request.headers,
                data=request.data,
                timeout=timeout,
                budget=timeout.total,
            )
        except APIConnectionError as exc:
            raw = await self._retry_request(request, failure=exc, started=started)
        except ResponseTooLargeError as exc:
            _http.redact_error(exc, self._secrets)  # its request_id may echo the request
            raise
        else:
            _log_response(raw, self._secrets)
            if not 200 <= raw.status < 300:
                raw = await self._retry_request(
                    request, failure=_http.status_error(raw, self._secrets), started=started
                )
        if cast_to is None:
            return None
        try:
            return _http.decode(raw, cast_to, self._secrets)
        except ResponseValidationError as exc:
            _http.redact_error(exc, self._secrets)  # its body may echo the request
            raise

    async def _retry_request(
        self,
        request: _Request,
        *,
        failure: APIConnectionError | APIStatusError,
        started: float,
    ) -> _http.RawResponse:
        """After a failed first attempt: retry if it is worth it, else raise."""

        async def attempt(budget: float | None) -> _http.RawResponse:
            return await self._transport.send(
                request.method,
                request.url,
                headers=request.headers,
                data=request.data,
                timeout=self._timeout,
                budget=budget,
            )

        return await self._with_retries(request.method, request.url, attempt, failure, started)

    async def _open_stream(
        self, method: str, path: str, json: JSONObject, *, attempts: list[int] | None = None
    ) -> _http.RawResponse | StreamBody:
        """Start a streamed request with retries; a 2xx stream is returned unread.

        A 2xx that is not an event stream (a server that ignored the request to
        stream) comes back read, as a RawResponse. ``attempts[0]`` counts the
        attempts started, for a caller that cancels the opening (its deadline).
        """
        request = self._build_request(method, path, json=json, stream=True)

        async def attempt(budget: float | None) -> _http.RawResponse | StreamBody:
            started = time.monotonic()
            if attempts is not None:
                attempts[0] += 1
            stream = await self._transport.open_stream(
                request.method,
                request.url,
                headers=request.headers,
                data=request.data,
                timeout=self._timeout,
                budget=budget,
            )
            if 200 <= stream.status < 300 and stream.content_type == "text/event-stream":
                return stream
            # Not a stream: read it as send() would, within the attempt's read limit.
            limit = _min_limit(self._timeout.read, budget)
            return await stream.read_all(
                None if limit is None else limit - (time.monotonic() - started)
            )

        return await self._with_retries(request.method, request.url, attempt)

    async def _with_retries(
        self,
        method: str,
        url: str,
        attempt: typing.Callable[[float | None], typing.Awaitable[_R]],
        first_failure: APIConnectionError | APIStatusError | None = None,
        started: float | None = None,
    ) -> _R:
        """Run ``attempt`` until it gives a 2xx, retrying what is worth retrying.

        ``first_failure`` is the outcome of an attempt already made at ``started``.
        """
        timeout, policy = self._timeout, self._retry
        begin = time.monotonic() if started is None else started
        deadline = None if timeout.total is None else begin + timeout.total
        retries = 0
        pending = first_failure
        while True:
            try:
                if pending is not None:
                    failed, pending = pending, None
                    raise failed
                budget = None if deadline is None else deadline - time.monotonic()
                result = await attempt(budget)
                result.retries_taken = retries
                _log_response(result, self._secrets)
                if not 200 <= result.status < 300:
                    assert isinstance(result, _http.RawResponse)
                    raise _http.status_error(result, self._secrets)
                return result
            except APIStatusError as error:
                error.retries_taken = retries
                status = typing.cast(int, error.status_code)
                if retries >= policy.max_retries or not _http.is_retryable_status(status):
                    raise
                if error.retry_after is not None and error.retry_after > policy.max_retry_after:
                    raise  # a server asking for minutes or years: fail now, retry_after says
                # Numbered across the call: a reopened stream's retries go on
                # doubling from those chat(stream=True) already made.
                delay = _retry_delay(error, self._retries_before + retries + 1, policy)
                failure: Exception = error
            except ResponseTooLargeError as exc:
                exc.retries_taken = retries
                _http.redact_error(exc, self._secrets)  # its request_id may echo the request
                raise
            except APIConnectionError as exc:
                exc.retries_taken = retries
                _http.redact_error(exc, self._secrets)  # before it reaches a log line
                _log_failure(method, url, exc, self._retries_before + retries, self._secrets)
                if self._transport.closed and not isinstance(exc, ClientClosedError):
                    raise ClientClosedError(
                        f"{method} {url}: the client was closed while this call was in flight",
                        method=method,
                        url=url,
                        retries_taken=retries,
                    ) from exc
                # A refused certificate or handshake is settings, not luck: no retry.
                if (
                    retries >= policy.max_retries
                    or self._transport.closed
                    or isinstance(exc, ClientClosedError)
                    or isinstance(exc.__cause__, aiohttp.ClientSSLError)
                ):
                    raise
                # A connection dropped before any answer, on the first attempt: most
                # often a pooled keep-alive connection the server closed as it was
                # reused. Its retry goes at once, on a fresh connection (aiohttp did
                # that itself, uncounted, before 198c9e0; httpcore does too); a server
                # that keeps dropping them meets the backoff from the second retry on.
                # The call's first retry, that is: chat(stream=True) reopening a
                # broken stream has already made _retries_before of them.
                delay = (
                    0.0
                    if retries == 0 and self._retries_before == 0 and _dropped_unanswered(exc)
                    else _http.backoff_delay(self._retries_before + retries + 1, policy)
                )
                failure = exc
            if deadline is not None and time.monotonic() + delay >= deadline:
                raise _out_of_time(
                    failure,
                    "leaves no time for",
                    method=method,
                    url=url,
                    total=timeout.total if self._call_total is None else self._call_total,
                    retries=retries,
                    retries_before=self._retries_before,
                )
            if logger.isEnabledFor(logging.DEBUG):
                logger.debug(
                    "retrying %s %s in %.3fs (retry %d)",
                    method,
                    _http.redact_text(url, self._secrets),
                    delay,
                    self._retries_before + retries + 1,
                )
            await asyncio.sleep(delay)
            if deadline is not None and time.monotonic() >= deadline:
                # The wait overran the deadline (a busy loop): no attempt is sent
                # with a budget already spent.
                raise _out_of_time(
                    failure,
                    "passed in the wait before",
                    method=method,
                    url=url,
                    total=timeout.total if self._call_total is None else self._call_total,
                    retries=retries,
                    retries_before=self._retries_before,
                )
            retries += 1


def _out_of_time(
    failure: Exception,
    how: str,
    *,
    method: str,
    url: str,
    total: float | None,
    retries: int,
    retries_before: int,
) -> Exception:
    """What a call raises when its total deadline leaves no room for the next retry:
    the last status error as it is, or APITimeoutError naming the last failure.

    ``retries_before`` is what the call took before this run of attempts (a
    broken ``chat(stream=True)``), counted in the retry the message names.
    """
    if isinstance(failure, APIStatusError):
        return failure
    error = APITimeoutError(
        f"{method} {url}: the total deadline of {total}s {how} "
        f"retry {retries_before + retries + 1} (last error: {failure})",
        method=method,
        url=url,
        retries_taken=retries,
    )
    error.__cause__ = failure
    return error


def _without_key(error: ConfigurationError, api_key: object) -> ConfigurationError:
    """``error`` with the key blanked from its message; the key is not resolved yet."""
    key = api_key if api_key is not None else os.environ.get(API_KEY_ENV)
    if not isinstance(key, str) or not key.strip():
        return error
    text = _http.redact_text(str(error), _http.secrets_of(key, ()))
    return error if text == str(error) else ConfigurationError(text)


def _network_settings(
    base_url: str,
    session: aiohttp.ClientSession | None,
    *,
    proxy: str | None,
    trust_env: bool,
    verify: VerifyTypes,
    cert: CertTypes | None,
) -> NetworkSettings:
    if session is None:
        return settings_for(base_url, proxy=proxy, trust_env=trust_env, verify=verify, cert=cert)
    # A caller's session is used as it is: its connector and proxy are the caller's choice.
    if proxy is not None or verify is not True or cert is not None:
        raise ConfigurationError(
            "proxy=, verify= and cert= configure the session the client opens; with "
            "session=, set them on your aiohttp.ClientSession and its connector instead"
        )
    if trust_env is not True and session.trust_env:
        # The session reads the proxy variables itself: the request would be ignored.
        raise ConfigurationError(
            "trust_env=False, but the session given was made with trust_env=True and reads "
            "the proxy variables itself; make it with aiohttp.ClientSession(trust_env=False)"
        )
    return DEFAULT_NETWORK


def _retry_delay(error: APIStatusError, retry_number: int, policy: RetryPolicy) -> float:
    if error.retry_after is not None:
        return error.retry_after
    return _http.backoff_delay(retry_number, policy)


def _dropped_unanswered(error: APIConnectionError) -> bool:
    """Whether the connection ended before any response: closed, or reset, by the server."""
    cause = error.__cause__
    if isinstance(cause, aiohttp.ServerDisconnectedError):
        return True
    return isinstance(cause, aiohttp.ClientOSError) and cause.errno in (
        errno.ECONNRESET,
        errno.EPIPE,
    )


def _log_response(raw: _http.RawResponse | StreamBody, secrets: tuple[str, ...]) -> None:
    """One line per response; for a stream, when its headers came (its events follow)."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "%s %s -> %d in %.1fms (attempt %d, request id %s)%s",
            raw.method,
            _http.redact_text(raw.url, secrets),  # a short dev key given as an id
            raw.status,
            raw.elapsed * 1000,
            raw.retries_taken + 1,
            _http.request_id_of(raw.headers, secrets),
            ", streaming" if isinstance(raw, StreamBody) else "",
        )


def _log_failure(
    method: str, url: str, exc: APIConnectionError, retries: int, secrets: tuple[str, ...]
) -> None:
    if logger.isEnabledFor(logging.INFO):
        # The message already names the request ("GET url failed: ..."), its
        # secrets blanked; only an error that does not gets the prefix.
        url = _http.redact_text(url, secrets)
        text = str(exc)
        if not text.startswith(f"{method} {url}"):
            text = f"{method} {url} failed: {text}"
        logger.info("%s (attempt %d)", text, retries + 1)
