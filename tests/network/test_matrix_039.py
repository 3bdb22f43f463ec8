"""The network cases side by side: this SDK and julep 0.3.9 (httpx), same servers and proxy."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import typing

import pytest

import julep
from julep.server.local import LocalServer

from ..compat039.test_julep_039_client import _python_039
from .conftest import Certs
from .helpers import list_agents, stream_chat
from .proxy import ForwardProxy

pytestmark = pytest.mark.compat039

DRIVER = __file__.replace("test_matrix_039.py", "drive_039_network.py")


class Case(typing.NamedTuple):
    name: str
    server: str  # http, https or mtls
    env: dict[str, str]
    ours: dict[str, typing.Any]  # our client's options
    old: dict[str, typing.Any]  # the httpx.Client options 0.3.9 would need
    relayed: bool  # whether the call should go through the proxy
    ok: bool  # whether the call should succeed
    call: str = "list_agents"


def _cases(certs: Certs) -> list[Case]:
    ca, client = str(certs.ca), str(certs.client)
    return [
        Case("HTTP_PROXY", "http", {"HTTP_PROXY": "{P}"}, {}, {}, True, True),
        Case("http_proxy (lower case)", "http", {"http_proxy": "{P}"}, {}, {}, True, True),
        Case("ALL_PROXY", "http", {"ALL_PROXY": "{P}"}, {}, {}, True, True),
        Case(
            "NO_PROXY=127.0.0.1",
            "http",
            {"HTTP_PROXY": "{P}", "NO_PROXY": "127.0.0.1"},
            {},
            {},
            False,
            True,
        ),
        Case(
            "HTTPS_PROXY (CONNECT) + SSL_CERT_FILE",
            "https",
            {"HTTPS_PROXY": "{P}", "SSL_CERT_FILE": ca},
            {},
            {},
            True,
            True,
        ),
        Case("explicit proxy", "http", {}, {"proxy": "{P}"}, {"proxy": "{P}"}, True, True),
        Case(
            "trust_env=False with HTTP_PROXY",
            "http",
            {"HTTP_PROXY": "{P}"},
            {"trust_env": False},
            {"trust_env": False},
            False,
            True,
        ),
        Case("custom CA by SSL_CERT_FILE", "https", {"SSL_CERT_FILE": ca}, {}, {}, False, True),
        Case("custom CA by argument", "https", {}, {"verify": ca}, {"verify": ca}, False, True),
        Case("unknown CA refused", "https", {}, {}, {}, False, False),
        Case(
            "mutual TLS with a client cert",
            "mtls",
            {},
            {"verify": ca, "cert": client},
            {"verify": ca, "cert": client},
            False,
            True,
        ),
        Case("mutual TLS without a cert", "mtls", {"SSL_CERT_FILE": ca}, {}, {}, False, False),
        Case(
            "streamed chat, HTTPS_PROXY over TLS",
            "https",
            {"HTTPS_PROXY": "{P}", "SSL_CERT_FILE": ca},
            {},
            {},
            True,
            True,
            call="stream",
        ),
    ]


def _fill(value: typing.Any, proxy_url: str) -> typing.Any:
    return value.replace("{P}", proxy_url) if isinstance(value, str) else value


def _ours(case: Case, base_url: str, proxy_url: str) -> str:
    env = {name: _fill(value, proxy_url) for name, value in case.env.items()}
    options = {name: _fill(value, proxy_url) for name, value in case.ours.items()}
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        if case.call == "stream":
            return f"ok: {len(stream_chat('sync', base_url, **options))} pieces"
        list_agents("sync", base_url, **options)
        return "ok"
    except julep.JulepError as exc:
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def test_network_matrix_against_julep_039(
    certs: Certs, http_server: LocalServer, https_server: LocalServer, mtls_server: LocalServer
) -> None:
    """Each case gives the expected outcome here; 0.3.9's outcome is printed beside it."""
    python = _python_039()
    servers = {"http": http_server, "https": https_server, "mtls": mtls_server}
    cases = _cases(certs)
    with contextlib.ExitStack() as stack:
        ours_proxies = [stack.enter_context(ForwardProxy()) for _ in cases]
        old_proxies = [stack.enter_context(ForwardProxy()) for _ in cases]
        ours = [
            _ours(case, servers[case.server].base_url, proxy.url)
            for case, proxy in zip(cases, ours_proxies, strict=True)
        ]
        specs = [
            {
                "name": case.name,
                "base_url": servers[case.server].base_url,
                "call": case.call,
                "env": {name: _fill(value, proxy.url) for name, value in case.env.items()},
                "options": {name: _fill(value, proxy.url) for name, value in case.old.items()},
            }
            for case, proxy in zip(cases, old_proxies, strict=True)
        ]
        result = subprocess.run(
            [python, DRIVER],
            input=json.dumps(specs),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={"PATH": os.environ.get("PATH", "")},
        )
        assert result.returncode == 0, result.stderr[-3000:]
        old = json.loads(result.stdout.strip().splitlines()[-1])
        rows = []
        for case, mine, ours_proxy, old_proxy in zip(
            cases, ours, ours_proxies, old_proxies, strict=True
        ):
            rows.append(
                f"| {case.name} | {mine} (relayed {ours_proxy.relayed}) "
                f"| {old[case.name]} (relayed {old_proxy.relayed}) |"
            )
            assert mine.startswith("ok") == case.ok, (case.name, mine)
            assert (ours_proxy.relayed > 0) == case.relayed, (case.name, ours_proxy.targets)
    print("\n| case | julep (this SDK) | julep 0.3.9 |\n|---|---|---|\n" + "\n".join(rows))
