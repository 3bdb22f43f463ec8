"""Certificates made at test time, servers over HTTP, HTTPS and mutual TLS, and a proxy."""

from __future__ import annotations

import gc
import pathlib
import typing

import attrs
import pytest
import trustme

from julep.server.local import LocalServer
from julep.server.tls import context_from_files

from .proxy import ForwardProxy


@attrs.frozen
class Certs:
    """PEM files: the CA, a server certificate for 127.0.0.1, a client one from another CA."""

    ca: pathlib.Path
    server: pathlib.Path
    client_ca: pathlib.Path
    client: pathlib.Path
    client_cert: pathlib.Path
    client_key: pathlib.Path
    stranger: pathlib.Path  # a client certificate from a CA the server does not know


@pytest.fixture(scope="package")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    """Fresh CAs and certificates, written once for the package."""
    folder = tmp_path_factory.mktemp("certs")
    ca, client_ca = trustme.CA(), trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "server.pem")
    )
    client_ca.cert_pem.write_to_path(str(folder / "client_ca.pem"))
    client = client_ca.issue_cert("client@julep.test")
    client.private_key_and_cert_chain_pem.write_to_path(str(folder / "client.pem"))
    client.cert_chain_pems[0].write_to_path(str(folder / "client_cert.pem"))
    client.private_key_pem.write_to_path(str(folder / "client_key.pem"))
    trustme.CA().issue_cert("stranger@julep.test").private_key_and_cert_chain_pem.write_to_path(
        str(folder / "stranger.pem")
    )
    return Certs(
        ca=folder / "ca.pem",
        server=folder / "server.pem",
        client_ca=folder / "client_ca.pem",
        client=folder / "client.pem",
        client_cert=folder / "client_cert.pem",
        client_key=folder / "client_key.pem",
        stranger=folder / "stranger.pem",
    )


@pytest.fixture(scope="package")
def http_server() -> typing.Iterator[LocalServer]:
    """The local server over plain HTTP."""
    with LocalServer() as server:
        yield server


@pytest.fixture(scope="package")
def https_server(certs: Certs) -> typing.Iterator[LocalServer]:
    """The local server over HTTPS, with a certificate from the test CA."""
    with LocalServer(tls=str(certs.server)) as server:
        yield server


@pytest.fixture(scope="package")
def mtls_server(certs: Certs) -> typing.Iterator[LocalServer]:
    """The local server over HTTPS, requiring a client certificate from the client CA."""
    context = context_from_files(certs.server, client_ca=certs.client_ca)
    with LocalServer(tls=context) as server:
        yield server


@pytest.fixture
def proxy() -> typing.Iterator[ForwardProxy]:
    """A counting forward proxy, without authentication."""
    with ForwardProxy() as running:
        yield running


# When a TLS connection through the test proxy's tunnel is closed as its event loop ends,
# asyncio sometimes leaves the raw socket to the proxy for the garbage collector, which
# warns at an arbitrary later moment. Not root-caused (see the issue 15 report); only those
# two exact warnings are let through, in this package, and a collection when it ends keeps
# them from surfacing in another package's tests.
_TEARDOWN_LEAKS = (
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning",
    "ignore:Exception ignored in. <function _SelectorTransport.__del__"
    ":pytest.PytestUnraisableExceptionWarning",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Apply the two filters above to this package's tests only."""
    here = pathlib.Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            for spec in _TEARDOWN_LEAKS:
                item.add_marker(pytest.mark.filterwarnings(spec))


@pytest.fixture(scope="package", autouse=True)
def _collect_at_the_end() -> typing.Iterator[None]:
    """Collect garbage before leaving the package, while its filters still apply."""
    yield
    gc.collect()
