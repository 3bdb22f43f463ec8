"""``julep serve --tls-*`` and ``LocalServer(tls=...)``: the whole stack over HTTPS."""

from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys

import pytest

import julep
from julep.server.cli import main
from julep.server.local import LocalServer

from .conftest import Certs
from .helpers import list_agents

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_serve_with_tls_options_serves_https_and_can_require_client_certs(certs: Certs) -> None:
    """serve --tls-cert/--tls-key/--tls-client-ca prints an https URL and enforces mutual TLS."""
    argv = [
        "serve",
        "--port",
        "0",
        "--tls-cert",
        str(certs.server),
        "--tls-key",
        str(certs.server),
        "--tls-client-ca",
        str(certs.client_ca),
    ]
    code = f"from julep.server.cli import main; raise SystemExit(main({argv!r}))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        base_url = line.split()[3]
        assert base_url.startswith("https://127.0.0.1:")
        list_agents("sync", base_url, verify=str(certs.ca), cert=str(certs.client))
        with pytest.raises(julep.APIConnectionError):
            list_agents("sync", base_url, verify=str(certs.ca))
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr


def test_bad_tls_options_are_reported(
    certs: Certs, tmp_path: pathlib.Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A key without a certificate, a missing file or a wrong tls= value is a clear error."""
    assert main(["--tls-key", str(certs.server)]) == 2
    assert "need --tls-cert" in capsys.readouterr().err
    assert main(["--tls-cert", str(tmp_path / "missing.pem")]) == 2
    assert "TLS certificate file not found" in capsys.readouterr().err
    (tmp_path / "junk.pem").write_text("junk")
    assert main(["--tls-cert", str(tmp_path / "junk.pem")]) == 2
    assert "cannot load the TLS files" in capsys.readouterr().err
    with pytest.raises(ValueError, match="tls must be"):
        LocalServer(tls=42)  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_local_server_with_tls_on_the_callers_loop(certs: Certs) -> None:
    """LocalServer(tls=(cert, key)) started with async with serves HTTPS on that loop."""
    async with (
        LocalServer(tls=(certs.server, certs.server)) as server,
        julep.AsyncJulepApi(api_key="k", base_url=server.base_url, verify=certs.ca) as client,
    ):
        assert server.base_url.startswith("https://")
        agent = await client.create_agent(name="over TLS")
        assert (await client.get_agent(agent.id)).name == "over TLS"
