"""Requests go through the proxy the environment or ``proxy=`` names, and only then."""

from __future__ import annotations

import logging

import pytest
from aiohttp import web

import julep
from julep.server.local import LocalServer
from julep.server.tls import context_from_files

from ..conftest import API_KEY
from .conftest import Certs
from .helpers import SURFACES, list_agents, stream_chat
from .proxy import ForwardProxy

DEAD = "http://127.0.0.1:9"  # the discard port: nothing listens there in a test run


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("variable", ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"])
def test_proxy_from_the_environment_relays_plain_http(
    surface: str,
    variable: str,
    http_server: LocalServer,
    proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each variable, in either case, sends an http:// call via the proxy (loopback too)."""
    monkeypatch.setenv(variable, proxy.url)
    list_agents(surface, http_server.base_url)
    assert proxy.forwarded == 1
    assert proxy.targets == [f"GET {http_server.base_url}/agents"]


@pytest.mark.parametrize("surface", SURFACES)
def test_https_proxy_tunnels_tls_and_http_proxy_is_not_used_for_it(
    surface: str,
    https_server: LocalServer,
    certs: Certs,
    proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """HTTPS_PROXY tunnels https:// calls with CONNECT; HTTP_PROXY alone leaves them direct."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    list_agents(surface, https_server.base_url, verify=str(certs.ca))
    assert proxy.relayed == 0
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    list_agents(surface, https_server.base_url, verify=str(certs.ca))
    assert proxy.tunnels == 1
    assert proxy.forwarded == 0


def test_lower_case_wins_and_an_empty_lower_case_variable_turns_the_proxy_off(
    http_server: LocalServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """http_proxy beats HTTP_PROXY, as in urllib, requests and httpx."""
    monkeypatch.setenv("HTTP_PROXY", DEAD)
    monkeypatch.setenv("http_proxy", proxy.url)
    list_agents("async", http_server.base_url)
    assert proxy.forwarded == 1
    monkeypatch.setenv("http_proxy", "")
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    list_agents("async", http_server.base_url)
    assert proxy.forwarded == 1


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize(
    "no_proxy",
    ["127.0.0.1", "*", "127.0.0.0/8", "example.com, 127.0.0.1", "{port}", "localhost"],
)
def test_no_proxy_sends_matching_hosts_directly(
    surface: str,
    no_proxy: str,
    http_server: LocalServer,
    proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A NO_PROXY entry for the API host (name, IP, CIDR, host:port or *) bypasses the proxy."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("no_proxy", no_proxy.replace("{port}", f"127.0.0.1:{http_server.port}"))
    base_url = http_server.base_url
    if no_proxy == "localhost":
        base_url = base_url.replace("127.0.0.1", "localhost")
    list_agents(surface, base_url)
    assert proxy.relayed == 0


@pytest.mark.parametrize("no_proxy", ["example.com", "127.0.0.2", "127.0.0.1:1", "10.0.0.0/8"])
def test_no_proxy_entries_for_other_hosts_keep_the_proxy(
    no_proxy: str, http_server: LocalServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries that do not match the API host leave the proxy in use."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    list_agents("sync", http_server.base_url)
    assert proxy.forwarded == 1


@pytest.mark.parametrize("surface", SURFACES)
def test_explicit_proxy_wins_over_the_environment(
    surface: str, http_server: LocalServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """proxy= is used even where NO_PROXY and HTTP_PROXY say otherwise."""
    monkeypatch.setenv("HTTP_PROXY", DEAD)
    monkeypatch.setenv("NO_PROXY", "*")
    list_agents(surface, http_server.base_url, proxy=proxy.url)
    assert proxy.forwarded == 1


@pytest.mark.parametrize("surface", SURFACES)
def test_trust_env_false_ignores_proxy_variables(
    surface: str, http_server: LocalServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With trust_env=False the proxy variables are not read."""
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    monkeypatch.setenv("ALL_PROXY", proxy.url)
    list_agents(surface, http_server.base_url, trust_env=False)
    assert proxy.relayed == 0


@pytest.mark.parametrize("surface", SURFACES)
def test_proxy_credentials_are_sent_and_never_shown(
    surface: str,
    *,
    http_server: LocalServer,
    https_server: LocalServer,
    certs: Certs,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """user:pass in the proxy URL authenticate to it; logs and errors show *** instead."""
    caplog.set_level(logging.DEBUG, logger="julep")
    with ForwardProxy(credentials="ada:s3cr%t") as proxy:
        good = proxy.url.replace("://", "://ada:s3cr%25t@")
        list_agents(surface, http_server.base_url, proxy=good)
        monkeypatch.setenv("HTTPS_PROXY", good)
        list_agents(surface, https_server.base_url, verify=str(certs.ca))
        assert (proxy.forwarded, proxy.tunnels, proxy.refused) == (1, 1, 0)
        # The CONNECT carries the proxy's credentials and never the API key.
        (connect,) = proxy.connect_headers
        assert connect["proxy-authorization"].startswith("Basic ")
        assert "authorization" not in connect
        assert API_KEY not in str(connect)
        bad = proxy.url.replace("://", "://ada:wrong-s3cr%25t@")
        with pytest.raises(julep.APIStatusError) as plain:
            list_agents(surface, http_server.base_url, proxy=bad)
        with pytest.raises(julep.APIConnectionError) as tunnel:
            list_agents(surface, https_server.base_url, proxy=bad, verify=str(certs.ca))
    assert plain.value.status_code == 407
    assert "407" in str(tunnel.value)
    with pytest.raises(julep.APIConnectionError) as dead:
        list_agents(surface, http_server.base_url, proxy=DEAD.replace("://", "://ada:s3cr%25t@"))
    shown = [caplog.text, str(plain.value), str(tunnel.value), str(dead.value), repr(dead.value)]
    assert "through the proxy http://***:***@127.0.0.1" in caplog.text
    for text in shown:
        assert "s3cr" not in text


def test_unsupported_proxy_scheme_is_a_clear_error_without_credentials(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A SOCKS proxy (which aiohttp cannot use) fails at construction, naming the variable."""
    monkeypatch.setenv("ALL_PROXY", "socks5://ada:s3cret@127.0.0.1:1080")
    with pytest.raises(julep.ConfigurationError, match="ALL_PROXY is socks5://\\*\\*\\*") as caught:
        julep.AsyncJulepApi(api_key="k", base_url="https://api.julep.test/api")
    assert "s3cret" not in str(caught.value)
    julep.AsyncJulepApi(api_key="k", base_url="https://api.julep.test/api", trust_env=False)
    with pytest.raises(julep.ConfigurationError, match="proxy is ftp://"):
        julep.JulepApi(api_key="k", base_url="https://a.julep.test", proxy="ftp://p.julep.test")


@pytest.mark.parametrize("surface", SURFACES)
def test_streaming_chat_through_the_proxy_over_tls(
    surface: str,
    https_server: LocalServer,
    certs: Certs,
    proxy: ForwardProxy,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A streamed chat arrives whole through a CONNECT tunnel to the HTTPS server."""
    monkeypatch.setenv("HTTPS_PROXY", proxy.url)
    pieces = stream_chat(surface, https_server.base_url, verify=str(certs.ca))
    assert len(pieces) > 2
    assert "hello through the proxy" in "".join(pieces).lower()
    assert proxy.tunnels >= 1
    assert proxy.forwarded == 0


@pytest.mark.anyio
async def test_proxy_credentials_stay_with_the_proxy(certs: Certs) -> None:
    """Through a CONNECT tunnel the API server sees the API key, never Proxy-Authorization."""
    seen: list[dict[str, str]] = []

    async def list_agents_handler(request: web.Request) -> web.Response:
        seen.append(dict(request.headers))
        return web.json_response({"items": []})

    app = web.Application()
    app.router.add_get("/api/agents", list_agents_handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    context = context_from_files(certs.server)
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=context)
    await site.start()
    port = runner.addresses[0][1]
    try:
        with ForwardProxy(credentials="ada:s3cret") as proxy:
            async with julep.AsyncJulepApi(
                api_key=API_KEY,
                base_url=f"https://127.0.0.1:{port}/api",
                proxy=proxy.url.replace("://", "://ada:s3cret@"),
                verify=certs.ca,
            ) as client:
                await client.list_agents()
            assert proxy.tunnels == 1
    finally:
        await runner.cleanup()
    (headers,) = seen
    assert headers["Authorization"] == f"Bearer {API_KEY}"
    assert not any(name.lower().startswith("proxy-") for name in headers)


@pytest.mark.parametrize(
    ("env", "options", "said"),
    [
        ({}, {}, "go directly (no HTTPS_PROXY or ALL_PROXY is set)"),
        ({"HTTPS_PROXY": "http://u:pw@127.0.0.1:9"}, {}, "go through the proxy"),
        (
            {"HTTPS_PROXY": DEAD, "NO_PROXY": "example.com"},
            {},
            "go directly (NO_PROXY covers api.example.com, so HTTPS_PROXY is not used)",
        ),
        ({"HTTPS_PROXY": DEAD}, {"trust_env": False}, "go directly (trust_env=False"),
        ({}, {"proxy": DEAD}, "go through the proxy http://127.0.0.1:9 (the proxy argument)"),
    ],
)
def test_the_debug_log_tells_how_the_host_is_reached(
    env: dict[str, str],
    options: dict[str, object],
    said: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """README: JULEP_LOG=debug also says how each host is reached, directly too (with
    why), and a proxy's password never shows."""
    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with caplog.at_level(logging.DEBUG, logger="julep"):
        julep.JulepApi(api_key="k", base_url="https://api.example.com/api", **options).close()
    lines = [
        r.getMessage() for r in caplog.records if "requests to api.example.com" in r.getMessage()
    ]
    assert len(lines) == 1 and said in lines[0], lines
    assert "pw" not in lines[0]
