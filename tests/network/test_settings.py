"""How proxy variables are read and matched, checked against urllib (as httpx and requests use)."""

from __future__ import annotations

import ipaddress
import os
import unittest.mock
import urllib.request

from hypothesis import given
from hypothesis import strategies as st
from yarl import URL

from julep._network import bypasses, proxy_from_env, proxy_variables, redact, settings_for

LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
DOMAIN = st.lists(LABEL, min_size=1, max_size=3).map(".".join)
PORT = st.integers(1, 65535)


@given(host=DOMAIN, entries=st.lists(st.tuples(st.booleans(), DOMAIN), max_size=4))
def test_domain_entries_match_like_urllib(host: str, entries: list[tuple[bool, str]]) -> None:
    """For plain domain entries (with or without a leading dot) the answer is urllib's."""
    no_proxy = ",".join(("." if dot else "") + name for dot, name in entries)
    expected = urllib.request.proxy_bypass_environment(host, {"no": no_proxy})
    assert bypasses(host, None, no_proxy) == bool(expected)


@given(sub=LABEL, domain=DOMAIN, port=PORT)
def test_a_domain_covers_its_subdomains_but_not_lookalikes(
    sub: str, domain: str, port: int
) -> None:
    """example.com covers a.example.com and example.com, never aexample.com."""
    assert bypasses(f"{sub}.{domain}", port, domain)
    assert bypasses(domain.upper(), port, f" .{domain} ")
    assert not bypasses(f"{sub}{domain}", port, domain)
    assert bypasses(f"{sub}.{domain}", port, "*")
    assert bypasses(domain, port, f"{domain}:{port}")
    assert not bypasses(domain, port, f"{domain}:{port % 65535 + 1}")


@given(address=st.ip_addresses(), prefix=st.integers(0, 128), port=PORT)
def test_ip_entries_and_cidr_blocks(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, prefix: int, port: int
) -> None:
    """An address matches itself and every block that contains it, and no other block."""
    network = ipaddress.ip_network(f"{address}/{min(prefix, address.max_prefixlen)}", strict=False)
    host = str(address)
    assert bypasses(host, port, f"example.com,{network}")
    assert bypasses(host, port, host if address.version == 4 else f"[{host}]:{port}")
    if network.prefixlen > 0:  # some address lies outside: just past either end
        after = int(network.broadcast_address) + 1
        outside = after if after < 2**address.max_prefixlen else int(network.network_address) - 1
        assert not bypasses(str(type(address)(outside)), port, str(network))


NAMES = st.sampled_from(
    [
        "http_proxy",
        "HTTP_PROXY",
        "Http_Proxy",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "no_proxy",
        "NO_PROXY",
        "REQUEST_METHOD",
    ]
)
VALUES = st.sampled_from(["", "http://p1:3128", "p2:8080", "GET"])


@given(env=st.dictionaries(NAMES, VALUES, max_size=6))
def test_variables_are_read_like_urllib(env: dict[str, str]) -> None:
    """Case rules, empty values and the CGI (httpoxy) rule give urllib's result."""
    with unittest.mock.patch.dict(os.environ, env, clear=True):
        expected = urllib.request.getproxies_environment()
        found = proxy_variables(os.environ)
    assert {scheme: value for scheme, (_, value) in found.items()} == expected


def test_the_variable_for_the_scheme_wins_over_all_proxy() -> None:
    """https:// uses HTTPS_PROXY, else ALL_PROXY; a bare host:port is an http:// proxy."""
    env = {"HTTPS_PROXY": "p1:1", "ALL_PROXY": "http://p2:2", "HTTP_PROXY": "http://p3:3"}
    assert proxy_from_env(URL("https://a.test/api"), env) == (
        URL("http://p1:1"),
        "from HTTPS_PROXY",
    )
    assert proxy_from_env(URL("ws://a.test/api"), env) == (URL("http://p2:2"), "from ALL_PROXY")
    assert proxy_from_env(URL("https://a.test/api"), {**env, "NO_PROXY": "a.test"}) == (None, "")


@given(user=LABEL, secret=LABEL, host=DOMAIN, port=PORT)
def test_credentials_never_show(user: str, secret: str, host: str, port: int) -> None:
    """redact() and the settings' repr replace user and password by ***."""
    url = f"http://{user}:S3cr-{secret}@{host}:{port}"
    shown = redact(url)
    assert shown == str(URL(f"http://{host}:{port}")).replace("://", "://***:***@")
    settings = settings_for(
        "https://api.julep.test", proxy=url, trust_env=True, verify=True, cert=None, environ={}
    )
    assert "S3cr" not in repr(settings)
    assert settings.proxy == URL(f"http://{host}:{port}")
    assert settings.request_options()["proxy_headers"]["Proxy-Authorization"].startswith("Basic ")
