"""Where requests go and how they are secured: the proxy and the TLS settings.

Both are settled once, when a client is built, from its arguments and (unless
``trust_env=False``) the standard environment variables, read the way httpx
and requests read them:

- ``HTTP_PROXY`` / ``HTTPS_PROXY`` (by the scheme of the API URL), else
  ``ALL_PROXY``; lower case wins over upper case; ``NO_PROXY`` lists hosts
  (domains match their subdomains, IPs, CIDR blocks, optional ``:port``, or ``*``)
  that are reached directly. Loopback addresses are NOT bypassed unless listed,
  as in httpx and requests.
- ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` replace the system CA store.

aiohttp's own ``trust_env`` is left off: it does not read ``ALL_PROXY``, and it
also reads ``~/.netrc``, whose credentials would collide with our Authorization
header. Every client talks to one base URL, so one proxy decision serves all
its requests.
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import os
import re
import ssl
import sys
import typing

import aiohttp
import attrs
from yarl import URL

from ._logging import logger
from .errors import ConfigurationError

# A real class, not the string "os.PathLike[str]": typing.get_type_hints resolves a
# forward reference in the globals of the module whose function it reads (julep.client,
# the server), which need not import os.
StrPath = typing.Union[str, os.PathLike[str]]
VerifyTypes = typing.Union[bool, StrPath, ssl.SSLContext]
"""``verify=``: True (system CAs), False (no verification), a CA bundle file or
directory, or a ready ``ssl.SSLContext``."""
CertTypes = typing.Union[StrPath, tuple[StrPath, StrPath], tuple[StrPath, StrPath, str]]
"""``cert=``: a PEM file holding the client certificate and its key, or
``(cert_file, key_file)``, or ``(cert_file, key_file, key_password)``."""

_PROXY_SCHEMES = ("http", "https")


@attrs.frozen(repr=False)
class NetworkSettings:
    """What the transport needs: the proxy, its credentials, the ``ssl=`` of the connector.

    The credentials are kept apart from the proxy URL and handed to aiohttp as
    a header, so no aiohttp message, key or repr ever holds them.
    """

    proxy: URL | None = None
    proxy_authorization: str | None = None
    plain_http: bool = False  # the API URL is http://, so requests are sent to the proxy as is
    ssl: ssl.SSLContext | bool = True

    def request_options(self) -> dict[str, typing.Any]:
        """Keyword arguments for every ``session.request``; none without a proxy."""
        if self.proxy is None:
            return {}
        if self.proxy_authorization is None or self.plain_http:
            return {"proxy": self.proxy}
        # Sent with the CONNECT request only, never through the tunnel to the API.
        return {"proxy": self.proxy, "proxy_headers": self._authorization_header()}

    def session_headers(self) -> dict[str, str] | None:
        """Headers for every request of the session: the proxy's, when requests go to it as is."""
        if self.proxy_authorization is None or not self.plain_http:
            return None
        return self._authorization_header()

    def _authorization_header(self) -> dict[str, str]:
        assert self.proxy_authorization is not None
        return {"Proxy-Authorization": self.proxy_authorization}

    def __repr__(self) -> str:
        proxy = None if self.proxy is None else str(self.proxy)
        hidden = "" if self.proxy_authorization is None else ", proxy credentials ***"
        return f"NetworkSettings(proxy={proxy!r}{hidden}, ssl={self.ssl!r})"


DEFAULT = NetworkSettings()


def settings_for(
    base_url: str,
    *,
    proxy: str | URL | None,
    trust_env: bool,
    verify: VerifyTypes,
    cert: CertTypes | None,
    environ: typing.Mapping[str, str] | None = None,
) -> NetworkSettings:
    """The proxy and TLS settings of a client whose API lives at ``base_url``."""
    if not isinstance(trust_env, bool):
        raise ConfigurationError(f"trust_env must be True or False, got {trust_env!r}")
    env: typing.Mapping[str, str] | None = None
    if trust_env:
        env = os.environ if environ is None else environ
    target = URL(base_url)
    if proxy is not None:
        if not isinstance(proxy, (str, URL)):
            raise ConfigurationError(
                "proxy must be a URL string such as 'http://proxy:3128', "
                f"got {type(proxy).__name__}"
            )
        if not str(proxy).strip():
            raise ConfigurationError(
                "proxy is empty: pass None to use the environment, trust_env=False for no proxy"
            )
        proxy_url: URL | None = _proxy_url(str(proxy), "proxy")
        source = "the proxy argument"
    else:
        proxy_url, source = (None, "") if env is None else proxy_from_env(target, env)
    if logger.isEnabledFor(logging.DEBUG):
        if proxy_url is not None:
            logger.debug(
                "requests to %s go through the proxy %s (%s)",
                target.host,
                redact(proxy_url),
                source,
            )
        else:
            logger.debug("requests to %s go directly (%s)", target.host, _why_direct(target, env))
    tls = ssl_setting(verify, cert, env)
    if proxy_url is None:
        return NetworkSettings(ssl=tls)
    authorization = None
    if proxy_url.user is not None or proxy_url.password is not None:
        login = f"{proxy_url.user or ''}:{proxy_url.password or ''}".encode()
        authorization = "Basic " + base64.b64encode(login).decode("ascii")
    return NetworkSettings(
        proxy=proxy_url.with_user(None),
        proxy_authorization=authorization,
        plain_http=target.scheme == "http",
        ssl=tls,
    )


# --- proxies --------------------------------------------------------------------


def _why_direct(target: URL, env: typing.Mapping[str, str] | None) -> str:
    """Why no proxy is used for ``target``, for the debug log (README: JULEP_LOG=debug
    tells how each host is reached)."""
    if env is None:
        return "trust_env=False: no proxy variable is read"
    variables = proxy_variables(env)
    chosen = variables.get(target.scheme or "") or variables.get("all")
    if chosen is None:
        return f"no {(target.scheme or 'http').upper()}_PROXY or ALL_PROXY is set"
    return f"{variables['no'][0]} covers {target.host}, so {chosen[0]} is not used"


def proxy_variables(env: typing.Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """``{"http": (name, value), "https": ..., "all": ..., "no": ...}`` from the environment.

    The rules of ``urllib.request.getproxies_environment``, which httpx and
    requests use: a lower-case variable wins over its upper-case twin (an empty
    lower-case one removes it), and inside a CGI handler (``REQUEST_METHOD`` set)
    ``HTTP_PROXY`` is ignored, since a client can set it through a ``Proxy:``
    request header (httpoxy).
    """
    found: dict[str, tuple[str, str]] = {}
    for name, value in env.items():
        lower = name.lower()
        if value and lower.endswith("_proxy"):
            found[lower[:-6]] = (name, value)
    if "REQUEST_METHOD" in env:
        found.pop("http", None)
    for name, value in env.items():
        if name.endswith("_proxy"):  # lower case only, this time
            if value:
                found[name[:-6]] = (name, value)
            else:
                found.pop(name[:-6], None)
    return found


def proxy_from_env(target: URL, env: typing.Mapping[str, str]) -> tuple[URL | None, str]:
    """The proxy the environment names for ``target``, and which variable said so."""
    variables = proxy_variables(env)
    chosen = variables.get(target.scheme or "") or variables.get("all")
    if chosen is None:
        return None, ""
    no_proxy = variables.get("no", ("", ""))[1]
    if target.host is not None and bypasses(target.host, target.port, no_proxy):
        return None, ""
    name, value = chosen
    return _proxy_url(value, name), f"from {name}"


def bypasses(host: str, port: int | None, no_proxy: str) -> bool:
    """Whether ``NO_PROXY`` says to reach ``host:port`` directly."""
    host = host.lower().rstrip(".")
    address = _ip(host)
    for raw in no_proxy.split(","):
        entry = raw.strip().lower()
        if not entry:
            continue
        if entry == "*":
            return True
        if "://" in entry:
            entry = entry.split("://", 1)[1]
        pattern, entry_port = _split_port(entry)
        if entry_port is not None and entry_port != port:
            continue
        network = _network(pattern)
        if network is not None:
            if address is not None and address in network:
                return True
            continue
        domain = pattern.lstrip("*").lstrip(".").rstrip(".")
        if domain and (host == domain or host.endswith("." + domain)):
            return True
    return False


def redact(url: URL | str) -> str:
    """The URL with any user name and password replaced by ``***``, for messages and logs."""
    parsed = URL(url) if isinstance(url, str) else url
    if parsed.user is None and parsed.password is None:
        return str(parsed)
    return str(parsed.with_user(None)).replace("://", "://***:***@", 1)


def _proxy_url(value: str, source: str) -> URL:
    text = value.strip()
    if "://" not in text:
        text = "http://" + text  # httpx and requests read a bare host:port as http
    try:
        url = URL(text)
    except ValueError:
        raise ConfigurationError(
            f"{source} is not a valid proxy URL: {redact_text(text)}"
        ) from None
    if url.scheme not in _PROXY_SCHEMES:
        raise ConfigurationError(
            f"{source} is {redact_text(text)}: only http:// and https:// proxies are supported "
            "(aiohttp has no SOCKS support); pass proxy=... or trust_env=False to override"
        )
    if not url.host:
        raise ConfigurationError(f"{source} is {redact_text(text)}: the proxy URL has no host")
    return url


def redact_text(text: str) -> str:
    """:func:`redact` for text that may not even parse as a URL."""
    scheme, sep, rest = text.partition("://")
    if not sep or "@" not in rest.split("/", 1)[0]:
        return text
    return f"{scheme}://***:***@{rest.split('@', 1)[1]}"


def _split_port(entry: str) -> tuple[str, int | None]:
    if entry.startswith("["):  # [v6] or [v6]:port
        inside, _, after = entry[1:].partition("]")
        return inside, int(after[1:]) if after[1:].isdigit() else None
    if entry.count(":") == 1:
        name, _, port = entry.partition(":")
        return name, int(port) if port.isdigit() else None
    return entry, None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _network(pattern: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    if not pattern or not (pattern[0].isdigit() or ":" in pattern):
        return None
    try:
        return ipaddress.ip_network(pattern, strict=False)
    except ValueError:
        return None


# --- TLS ------------------------------------------------------------------------


def ssl_setting(
    verify: VerifyTypes, cert: CertTypes | None, env: typing.Mapping[str, str] | None
) -> ssl.SSLContext | bool:
    """The ``ssl=`` of aiohttp's connector for these settings.

    ``env`` is None when the environment is not trusted; the context built
    then loads OpenSSL's compiled-in CA locations, ignoring SSL_CERT_FILE.
    """
    if isinstance(verify, ssl.SSLContext):
        if cert is not None:
            raise ConfigurationError(
                "cert= cannot be combined with verify=<ssl.SSLContext>: "
                "load the client certificate into that context (context.load_cert_chain(...))"
            )
        return verify
    if isinstance(verify, bool):
        if not verify:  # a bare client context: loading CAs nobody checks would be wasted time
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        else:
            context_or_default = _verifying_context(env)
            if context_or_default is None:
                if cert is None:
                    return True  # aiohttp's own default context, created once per process
                context = ssl.create_default_context()
            else:
                context = context_or_default
    elif isinstance(verify, (str, os.PathLike)):
        context = _context_from_path(os.fspath(verify), "verify")
    else:
        raise ConfigurationError(
            "verify must be True, False, a CA bundle path or an ssl.SSLContext, "
            f"got {type(verify).__name__}"
        )
    if cert is not None:
        _load_cert(context, cert)
    return context


def _verifying_context(env: typing.Mapping[str, str] | None) -> ssl.SSLContext | None:
    """A context for the CAs the environment names; None for aiohttp's default one."""
    if env is None:
        return _context_without_env()
    cafile, capath = env.get("SSL_CERT_FILE"), env.get("SSL_CERT_DIR")
    if not cafile and not capath:
        return None
    if cafile and not os.path.isfile(cafile):
        raise ConfigurationError(f"SSL_CERT_FILE={cafile!r} is not a file")
    if capath and not os.path.isdir(capath):
        raise ConfigurationError(f"SSL_CERT_DIR={capath!r} is not a directory")
    try:
        return ssl.create_default_context(cafile=cafile or None, capath=capath or None)
    except ssl.SSLError as exc:
        raise ConfigurationError(
            f"SSL_CERT_FILE={cafile!r} holds no usable CA certificate: {exc}"
        ) from exc


def _context_without_env() -> ssl.SSLContext:
    """The system CAs, without the SSL_CERT_* variables OpenSSL reads by itself."""
    if sys.platform == "win32":  # the Windows store; OpenSSL's paths mean nothing there
        return ssl.create_default_context()
    paths = ssl.get_default_verify_paths()
    cafile = paths.openssl_cafile if os.path.isfile(paths.openssl_cafile) else None
    capath = paths.openssl_capath if os.path.isdir(paths.openssl_capath) else None
    if cafile is None and capath is None:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=cafile, capath=capath)


def _context_from_path(path: str, argument: str) -> ssl.SSLContext:
    if os.path.isfile(path):
        cafile, capath = path, None
    elif os.path.isdir(path):
        cafile, capath = None, path
    else:
        raise ConfigurationError(f"{argument}={path!r}: no such CA bundle file or directory")
    try:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    except ssl.SSLError as exc:
        raise ConfigurationError(
            f"{argument}={path!r} holds no usable PEM CA certificate: {exc}"
        ) from exc


def _load_cert(context: ssl.SSLContext, cert: CertTypes) -> None:
    if isinstance(cert, (str, os.PathLike)):
        certfile, keyfile, password = os.fspath(cert), None, None
    elif isinstance(cert, tuple) and len(cert) in (2, 3):
        certfile, keyfile = os.fspath(cert[0]), os.fspath(cert[1])
        password = cert[2] if len(cert) == 3 else None
    else:
        raise ConfigurationError(
            "cert must be a PEM file path, (cert_file, key_file) or "
            f"(cert_file, key_file, password), got {type(cert).__name__}"
        )
    for path in (certfile, keyfile):
        if path is not None and not os.path.isfile(path):
            raise ConfigurationError(f"cert: no such file {path!r}")
    try:
        # Without a password, OpenSSL would ask for one on the terminal (blocking the
        # constructor, or reading whatever stdin holds); the callback refuses instead.
        context.load_cert_chain(certfile, keyfile, _no_password if password is None else password)
    except _EncryptedKeyError:
        raise ConfigurationError(
            f"cert: the private key in {keyfile or certfile!r} is encrypted; pass its password"
            " as cert=(cert_file, key_file, password)"
        ) from None
    except ssl.SSLError as exc:
        hint = "" if password is None else " (is the password right?)"
        raise ConfigurationError(
            f"cert: could not load the client certificate and key from {certfile!r}"
            f"{'' if keyfile is None else f' and {keyfile!r}'}: {exc}{hint}"
        ) from exc


class _EncryptedKeyError(Exception):
    """OpenSSL asked for the password of a key given without one."""


def _no_password() -> str:
    raise _EncryptedKeyError


# --- failures -------------------------------------------------------------------


def describe_failure(exc: BaseException, url: str) -> str | None:
    """A TLS or proxy failure in words, for the APIConnectionError; None for other failures."""
    return _tls_problem(exc, url) or _proxy_problem(exc) or _cut_head(exc)


def _cut_head(exc: BaseException) -> str | None:
    """A connection closed within a response's status line or headers, in words.

    aiohttp's ServerDisconnectedError then holds the half-parsed message, whose
    repr (every header received, cookies included) would be the error's text.
    """
    if not isinstance(exc, aiohttp.ServerDisconnectedError):
        return None
    head = exc.message
    code = getattr(head, "code", None)
    if not isinstance(code, int):
        return None  # "Server disconnected": no part of a response came
    return (
        "the server closed the connection in the middle of the response's status line "
        f"and headers (status {code}, {len(getattr(head, 'headers', ()))} headers received)"
    )


def _tls_problem(exc: BaseException, url: str) -> str | None:
    """What went wrong in a TLS handshake, in words; None for other failures."""
    if isinstance(exc, aiohttp.ClientConnectorCertificateError):
        error = exc.certificate_error
        reason = getattr(error, "verify_message", None) or str(error)
        hint = ""
        if getattr(error, "verify_code", None) in _UNKNOWN_ISSUER_CODES:
            hint = "; if a private CA issued it, pass verify='ca.pem' or set SSL_CERT_FILE"
        where = f"{exc.host}:{exc.port}"  # the API's host, or the proxy's
        return f"the TLS certificate of {where} was not accepted: {reason}{hint}"
    if isinstance(exc, aiohttp.ClientConnectorSSLError):
        reason = _SSL_NOISE.sub("", str(exc.os_error.strerror or exc.os_error))
        hint = ""
        if "alert" in reason:  # the server sent an alert: often a missing or refused client cert
            hint = "; if the server requires a client certificate, pass cert=..."
        return f"the TLS handshake failed: {reason}{hint}"
    if (
        type(exc) is aiohttp.ClientConnectorError
        and isinstance(exc.os_error, ConnectionResetError)
        and url.startswith("https:")
    ):
        # A server refusing the handshake may close without an alert (asyncio's servers do).
        return (
            "the server closed the connection during the TLS handshake; "
            "if it requires a client certificate, pass cert=..."
        )
    return None


def _proxy_problem(exc: BaseException) -> str | None:
    """What the proxy did wrong, in words; None when no proxy is involved."""
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return f"the proxy refused to open a tunnel: {exc.status} {exc.message}"
    if isinstance(exc, aiohttp.ClientProxyConnectionError):
        return f"cannot connect to the proxy {exc.host}:{exc.port}: {exc.os_error}"
    return None


# "[SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006)"
_SSL_NOISE = re.compile(r"^\[SSL: [A-Z0-9_]+\] | \(_ssl\.c:\d+\)$")
# OpenSSL's X509_V_ERR_* codes that mean "no trusted CA signed this chain".
_UNKNOWN_ISSUER_CODES = frozenset({2, 18, 19, 20})
