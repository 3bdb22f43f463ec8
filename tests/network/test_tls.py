"""TLS: private CAs by argument or environment, clear refusals, and client certificates."""

from __future__ import annotations

import contextlib
import pathlib
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import typing

import aiohttp
import pytest
import trustme
from cryptography.hazmat.primitives import serialization

import julep
from julep.server.local import LocalServer
from julep.server.tls import context_from_files

from .conftest import Certs
from .helpers import SURFACES, list_agents


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("form", ["str", "path", "context"])
def test_custom_ca_by_argument_is_accepted(
    surface: str, form: str, https_server: LocalServer, certs: Certs
) -> None:
    """verify= takes the CA bundle as a str, a Path or an ssl.SSLContext."""
    verify: typing.Any = {
        "str": str(certs.ca),
        "path": certs.ca,
        "context": ssl.create_default_context(cafile=str(certs.ca)),
    }[form]
    list_agents(surface, https_server.base_url, verify=verify)


@pytest.mark.parametrize("surface", SURFACES)
def test_ssl_cert_file_is_honoured_unless_trust_env_is_false(
    surface: str, https_server: LocalServer, certs: Certs, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SSL_CERT_FILE replaces the system CAs; trust_env=False ignores it."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certs.ca))
    list_agents(surface, https_server.base_url)
    with pytest.raises(julep.APIConnectionError, match="was not accepted: unable to get local"):
        list_agents(surface, https_server.base_url, trust_env=False)


def test_ssl_cert_dir_is_honoured(
    https_server: LocalServer, certs: Certs, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SSL_CERT_DIR names a hashed CA directory, as OpenSSL's c_rehash makes it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to name the CA file by its subject hash")
    digest = subprocess.run(
        [openssl, "x509", "-hash", "-noout", "-in", str(certs.ca)],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout.strip()
    shutil.copy(certs.ca, tmp_path / f"{digest}.0")
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    list_agents("sync", https_server.base_url)
    list_agents("async", https_server.base_url, verify=str(tmp_path))


@pytest.mark.parametrize("surface", SURFACES)
def test_unknown_ca_is_refused_with_a_clear_error_and_not_retried(
    surface: str, https_server: LocalServer
) -> None:
    """The system CAs do not know the test CA: the error says why, after one attempt."""
    with pytest.raises(julep.APIConnectionError) as caught:
        list_agents(surface, https_server.base_url, max_retries=2)
    message = str(caught.value)
    where = https_server.base_url.split("/")[2]
    assert f"certificate of {where} was not accepted: unable to get local issuer" in message
    assert "verify='ca.pem' or set SSL_CERT_FILE" in message
    assert caught.value.retries_taken == 0


@pytest.mark.parametrize("surface", SURFACES)
def test_certificate_for_another_host_is_refused_by_name(
    surface: str, certs: Certs, tmp_path: pathlib.Path
) -> None:
    """A certificate from a trusted CA but for another name is refused, saying so."""
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    ca.issue_cert("api.julep.test").private_key_and_cert_chain_pem.write_to_path(
        str(tmp_path / "other.pem")
    )
    with LocalServer(tls=str(tmp_path / "other.pem")) as server:
        with pytest.raises(julep.APIConnectionError, match="mismatch, certificate is not valid"):
            list_agents(surface, server.base_url, verify=str(tmp_path / "ca.pem"))
        list_agents(surface, server.base_url, verify=False)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("form", ["combined", "pair"])
def test_mutual_tls_with_a_client_certificate_is_accepted(
    surface: str, form: str, mtls_server: LocalServer, certs: Certs
) -> None:
    """cert= as one PEM file or as (cert, key) satisfies a server that requires it."""
    cert: typing.Any = (
        str(certs.client) if form == "combined" else (certs.client_cert, certs.client_key)
    )
    list_agents(surface, mtls_server.base_url, verify=str(certs.ca), cert=cert)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("cert", [None, "stranger"])
def test_mutual_tls_without_an_accepted_certificate_is_refused(
    surface: str, cert: str | None, mtls_server: LocalServer, certs: Certs
) -> None:
    """No client certificate, or one from an unknown CA: the connection is refused."""
    chosen = None if cert is None else str(certs.stranger)
    with pytest.raises(julep.APIConnectionError) as caught:
        list_agents(surface, mtls_server.base_url, verify=str(certs.ca), cert=chosen)
    assert "127.0.0.1" in str(caught.value)


def test_bad_tls_settings_fail_at_construction(
    certs: Certs, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Missing or unreadable files and conflicting options are named before any request."""
    url = "https://api.julep.test/api"
    (tmp_path / "junk.pem").write_text("not a certificate")
    cases: list[tuple[dict[str, typing.Any], str]] = [
        ({"verify": str(tmp_path / "missing.pem")}, "no such CA bundle"),
        ({"verify": str(tmp_path / "junk.pem")}, "no usable PEM CA certificate"),
        ({"verify": 1.5}, "verify must be True, False"),
        ({"cert": str(tmp_path / "missing.pem")}, "cert: no such file"),
        ({"cert": str(tmp_path / "junk.pem")}, "could not load the client certificate"),
        ({"cert": ("a",)}, "cert must be a PEM file path"),
        ({"verify": ssl.create_default_context(), "cert": str(certs.client)}, "load_cert_chain"),
        ({"trust_env": "no"}, "trust_env must be True or False"),
        ({"proxy": 8080}, "proxy must be a URL string"),
        ({"proxy": " "}, "proxy is empty"),
        ({"proxy": "http://:3128"}, "not a valid proxy URL"),
        ({"proxy": "http:///x"}, "has no host"),
    ]
    for options, message in cases:
        with pytest.raises(julep.ConfigurationError, match=message):
            julep.AsyncJulepApi(api_key="k", base_url=url, **options)
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(julep.ConfigurationError, match="SSL_CERT_FILE="):
        julep.JulepApi(api_key="k", base_url=url)
    julep.JulepApi(api_key="k", base_url=url, trust_env=False).close()


def _encrypt(key_pem: pathlib.Path, path: pathlib.Path, password: bytes) -> pathlib.Path:

    key = serialization.load_pem_private_key(key_pem.read_bytes(), password=None)
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(password),
        )
    )
    return path


@pytest.mark.parametrize("surface", SURFACES)
def test_an_encrypted_client_key_takes_its_password_and_never_prompts(
    surface: str, mtls_server: LocalServer, certs: Certs, tmp_path: pathlib.Path
) -> None:
    """README: cert=(cert_file, key_file, password) for an encrypted key, and bad options
    raise ConfigurationError when the client is built. Without the password OpenSSL asked
    for it on the terminal (the constructor blocked there; with no terminal an OSError
    escaped); it is now a ConfigurationError saying the key is encrypted (atkD3 repro/06)."""
    key = _encrypt(certs.client_key, tmp_path / "key.pem", b"s3cret")
    cert = str(certs.client_cert)
    list_agents(surface, mtls_server.base_url, verify=str(certs.ca), cert=(cert, key, "s3cret"))
    combined = tmp_path / "combined.pem"
    combined.write_bytes(certs.client_cert.read_bytes() + key.read_bytes())
    for options in ((cert, str(key)), str(combined)):
        with pytest.raises(julep.ConfigurationError, match="is encrypted; pass its password"):
            julep.AsyncJulepApi(api_key="k", base_url=mtls_server.base_url, cert=options)
    with pytest.raises(julep.ConfigurationError, match="is the password right"):
        julep.AsyncJulepApi(api_key="k", base_url=mtls_server.base_url, cert=(cert, key, "no"))


def test_a_server_key_with_a_pass_phrase_and_no_terminal_is_one_clear_error(
    certs: Certs, tmp_path: pathlib.Path
) -> None:
    """``julep serve --tls-key`` with an encrypted key and no terminal (a service, CI) ended
    with "julep serve: [Errno 22] Invalid argument" (OpenSSL's prompt failing); LocalServer(tls=)
    raised that OSError. Now a ValueError says the key is encrypted; exit 2, one line."""
    key = _encrypt(certs.client_key, tmp_path / "server.key", b"pw")
    with pytest.raises(ValueError, match="TLS key is encrypted"):
        context_from_files(certs.client_cert, key)
    serve = [sys.executable, "-m", "julep", "serve", "--port", "0"]
    done = subprocess.run(
        [*serve, "--tls-cert", str(certs.client_cert), "--tls-key", str(key)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == "", done
    assert done.stderr.startswith("julep serve: the TLS key is encrypted"), done.stderr


@pytest.mark.anyio
async def test_network_options_conflict_with_a_callers_session() -> None:
    """With session=, proxy/verify/cert/connection_limit belong on that session, so passing
    them is an error, and so is trust_env=False beside a session that reads the variables."""
    async with aiohttp.ClientSession() as session:
        with pytest.raises(julep.ConfigurationError, match="with session="):
            julep.AsyncJulepApi(api_key="k", session=session, proxy="http://127.0.0.1:3128")
        # Settings the caller's session would silently overrule: refused too.
        with pytest.raises(julep.ConfigurationError, match=r"TCPConnector\(limit="):
            julep.AsyncJulepApi(api_key="k", session=session, connection_limit=10)
        julep.AsyncJulepApi(api_key="k", session=session, connection_limit=100)  # the default
        # aiohttp's default is trust_env=False: the two agree.
        julep.AsyncJulepApi(api_key="k", session=session, trust_env=False)
    async with aiohttp.ClientSession(trust_env=True) as session:
        with pytest.raises(julep.ConfigurationError, match=r"ClientSession\(trust_env=False\)"):
            julep.AsyncJulepApi(api_key="k", session=session, trust_env=False)


@pytest.mark.parametrize("surface", SURFACES)
def test_mutual_tls_refused_in_a_tls12_handshake_names_the_client_certificate(
    surface: str, certs: Certs
) -> None:
    """Over TLS 1.2 the refusal comes during the handshake, and the error says what to pass."""
    context = context_from_files(certs.server, client_ca=certs.client_ca)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    with LocalServer(tls=context) as server:
        with pytest.raises(julep.APIConnectionError, match=r"during the TLS handshake.*cert="):
            list_agents(surface, server.base_url, verify=str(certs.ca))
        list_agents(surface, server.base_url, verify=str(certs.ca), cert=str(certs.client))


def test_a_handshake_alert_is_named(certs: Certs) -> None:
    """A server that answers the handshake with an alert gets it quoted in the error."""
    context = context_from_files(certs.server, client_ca=certs.client_ca)
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(30)

    def refuse_one() -> None:
        connection, _ = listener.accept()
        with connection, contextlib.suppress(OSError):
            context.wrap_socket(connection, server_side=True)  # fails: no client certificate

    thread = threading.Thread(target=refuse_one)
    thread.start()
    try:
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/api"
        with pytest.raises(julep.APIConnectionError) as caught:
            list_agents("sync", url, verify=str(certs.ca))
    finally:
        thread.join(30)
        listener.close()
    assert "the TLS handshake failed: sslv3 alert handshake failure" in str(caught.value)
    assert "pass cert=" in str(caught.value)
