"""TLS for the local server: the ``tls=`` of ``LocalServer`` and ``--tls-*`` of ``julep serve``."""

from __future__ import annotations

import getpass
import os
import ssl
import sys
import typing

# os.PathLike itself, not a string: see julep/_network.py.
StrPath = typing.Union[str, os.PathLike[str]]
TLSTypes = typing.Union[ssl.SSLContext, StrPath, tuple[StrPath, StrPath]]
"""``tls=``: a server ``ssl.SSLContext``, a PEM file with the certificate and its
key, or ``(cert_file, key_file)``."""


def server_context(tls: TLSTypes) -> ssl.SSLContext:
    """The server-side context for a ``tls=`` value; a context is used as it is."""
    if isinstance(tls, ssl.SSLContext):
        return tls
    if isinstance(tls, (str, os.PathLike)):
        return context_from_files(tls)
    if isinstance(tls, tuple) and len(tls) == 2:
        return context_from_files(tls[0], tls[1])
    raise ValueError(
        "tls must be an ssl.SSLContext, a PEM file path or (cert_file, key_file), "
        f"got {type(tls).__name__}"
    )


def context_from_files(
    cert: StrPath, key: StrPath | None = None, client_ca: StrPath | None = None
) -> ssl.SSLContext:
    """A server context from PEM files; ``client_ca`` makes clients show a certificate it signed."""
    for what, path in (("certificate", cert), ("key", key), ("client CA", client_ca)):
        if path is not None and not os.path.isfile(path):
            raise ValueError(f"TLS {what} file not found: {os.fspath(path)!r}")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key, _pass_phrase)
        if client_ca is not None:
            context.load_verify_locations(cafile=client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
    except ssl.SSLError as exc:
        raise ValueError(f"cannot load the TLS files: {exc}") from exc
    return context


def _pass_phrase() -> str:
    """The pass phrase of an encrypted key: asked on the terminal, as OpenSSL would, or,
    with none (a service, a test), a clear error rather than OpenSSL's bare OSError."""
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass("Pass phrase of the TLS key: ")
    raise ValueError(
        "the TLS key is encrypted and there is no terminal to ask its pass phrase on;"
        " give a key without one (openssl pkey -in KEY -out PLAIN) or an ssl.SSLContext"
    )
