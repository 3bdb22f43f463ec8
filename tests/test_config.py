"""Configuration comes from arguments, then the environment at construction, then defaults."""

from __future__ import annotations

import subprocess
import sys

import pytest
from aioresponses import aioresponses
from hypothesis import given
from hypothesis import strategies as st

import julep
from julep.client import AsyncJulepApi, JulepApi

from .wire.mock import BASE_URL, respond, sent
from .wire.samples import AGENT


def test_missing_key_names_argument_and_variable() -> None:
    """With no key anywhere the error says how to give one."""
    with pytest.raises(julep.ConfigurationError) as caught:
        AsyncJulepApi(base_url=BASE_URL)
    assert "api_key" in str(caught.value)
    assert "JULEP_API_KEY" in str(caught.value)
    with pytest.raises(julep.ConfigurationError):
        JulepApi(api_key="  ", base_url=BASE_URL)


def test_environment_is_read_at_construction(monkeypatch: pytest.MonkeyPatch) -> None:
    """JULEP_API_KEY and JULEP_API_URL set after import are honoured; arguments win."""
    monkeypatch.setenv("JULEP_API_KEY", "env-key")
    monkeypatch.setenv("JULEP_API_URL", "http://127.0.0.1:7/api/")
    client = AsyncJulepApi()
    assert client.base_url == "http://127.0.0.1:7/api/"
    assert client._headers["Authorization"] == "Bearer env-key"
    explicit = AsyncJulepApi(api_key="arg-key", base_url="http://127.0.0.1:8/x")
    assert explicit.base_url == "http://127.0.0.1:8/x/"
    assert explicit._headers["Authorization"] == "Bearer arg-key"


def test_default_environment() -> None:
    """Without base_url the hosted API of the seed is used."""
    client = AsyncJulepApi(api_key="k")
    assert client.base_url == "https://api-alpha.julep.ai/api/"
    assert julep.JulepApiEnvironment.DEFAULT.value == "https://api-alpha.julep.ai/api"


def test_import_reads_no_environment() -> None:
    """Importing julep reads no JULEP_* variable (0.3.x read them at import)."""
    code = (
        "import os, julep\n"
        "os.environ['JULEP_API_KEY'] = 'late'\n"
        "print(julep.AsyncJulepApi()._headers['Authorization'])\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert output.stdout.strip() == "Bearer late"


@pytest.mark.anyio
async def test_bearer_prefix_is_not_doubled() -> None:
    """A key that already starts with 'Bearer ' (as the 0.3.x wrapper passed it) is sent as is."""
    with aioresponses() as mock:
        respond(mock, "GET", payload=AGENT)
        async with AsyncJulepApi(api_key="Bearer abc", base_url=BASE_URL) as client:
            await client.get_agent("x")
        (request,) = sent(mock)
    assert request.headers["Authorization"] == "Bearer abc"


@pytest.mark.anyio
@pytest.mark.parametrize("key", ["bearer abc", "BEARER abc", "BeArEr abc"])
async def test_bearer_prefix_in_any_case_is_not_doubled(key: str) -> None:
    """HTTP reads the scheme in any case: 'bearer abc' goes as is, not as 'Bearer bearer abc'."""
    with aioresponses() as mock:
        respond(mock, "GET", payload=AGENT)
        async with AsyncJulepApi(api_key=key, base_url=BASE_URL) as client:
            await client.get_agent("x")
        (request,) = sent(mock)
    assert request.headers["Authorization"] == key


def test_timeout_forms() -> None:
    """A number sets the read and total limits; Timeout.NONE must be asked for by name."""
    assert AsyncJulepApi(api_key="k", timeout=5).timeout == julep.Timeout(read=5.0, total=5.0)
    assert AsyncJulepApi(api_key="k").timeout == julep.Timeout()
    none = AsyncJulepApi(api_key="k", timeout=julep.Timeout.NONE).timeout
    assert none.total is None and none.read is None
    with pytest.warns(UserWarning, match="Timeout.NONE"):
        assert AsyncJulepApi(api_key="k", timeout=None).timeout == julep.Timeout()
    with pytest.raises(julep.ConfigurationError, match="timeout"):
        AsyncJulepApi(api_key="k", timeout="soon")  # type: ignore[arg-type]
    with pytest.raises(julep.ConfigurationError, match="positive"):
        julep.Timeout(read=0)


def test_bad_options_are_clear() -> None:
    """Bad retry counts, pool limits and sessions fail at construction with their name."""
    with pytest.raises(julep.ConfigurationError, match="max_retries"):
        AsyncJulepApi(api_key="k", max_retries=-1)
    with pytest.raises(julep.ConfigurationError, match="connection_limit"):
        AsyncJulepApi(api_key="k", connection_limit=-5)
    with pytest.raises(julep.ConfigurationError, match="session must be an aiohttp"):
        AsyncJulepApi(api_key="k", session=object())  # type: ignore[arg-type]
    with pytest.raises(julep.ConfigurationError, match="base_url"):
        AsyncJulepApi(api_key="k", base_url="127.0.0.1:8080")


_SCHEMES = st.sampled_from(["http", "https"]).flatmap(
    lambda scheme: st.tuples(*(st.sampled_from([c, c.upper()]) for c in scheme)).map("".join)
)
_PADDING = st.text(alphabet=" \t\r\n", max_size=3)


@given(scheme=_SCHEMES, before=_PADDING, after=_PADDING)
def test_base_url_scheme_case_and_surrounding_whitespace(
    scheme: str, before: str, after: str
) -> None:
    """A scheme in any case (RFC 3986) and a URL read with a newline or spaces around it
    (a file, an environment variable) are the same base URL."""
    url = f"{before}{scheme}://Host.example:8080/api{after}"
    assert AsyncJulepApi(api_key="k", base_url=url).base_url == (
        f"{scheme.lower()}://Host.example:8080/api/"
    )


@pytest.mark.parametrize("char", ["\n", "\t", "\r", "\x00", "\x7f"])
def test_base_url_with_a_control_character_inside_is_refused(char: str) -> None:
    """A control character inside the URL is a configuration error, not a silent rewrite."""
    with pytest.raises(julep.ConfigurationError, match="control character"):
        AsyncJulepApi(api_key="k", base_url=f"http://host/a{char}pi")


def test_import_paths_of_0_3_x() -> None:
    """Code written for julep 0.3.9 finds everything where it used to be."""
    from julep.api import CreateDoc, JulepApiEnvironment
    from julep.api.client import OMIT, AsyncJulepApi, JulepApi
    from julep.api.core.api_error import ApiError
    from julep.client import AsyncJulepApi as Async2

    assert AsyncJulepApi is Async2 and JulepApi is julep.JulepApi
    assert CreateDoc is julep.CreateDoc and JulepApiEnvironment is julep.JulepApiEnvironment
    assert issubclass(julep.NotFoundError, ApiError)
    assert repr(OMIT) == "OMIT"


def test_submodules_are_attributes_after_a_bare_import() -> None:
    """`import julep` then `julep.api...` / `julep.client...` ran on 0.3.9, whose __init__
    imported them; here they load on first access, in a fresh interpreter."""
    code = (
        "import julep\n"
        "assert julep.api.core.api_error.ApiError is julep.ApiError\n"
        "assert julep.client.JulepApi is julep.JulepApi\n"
        "assert julep.api.client.AsyncJulepApi is julep.AsyncJulepApi\n"
        "assert julep.api.environment.JulepApiEnvironment is julep.JulepApiEnvironment\n"
        "import julep.api as api\n"
        "assert api.client.OMIT is julep.OMIT and api.core.ApiError is julep.ApiError\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_metadata_types_accept_keywords() -> None:
    """0.3.x metadata classes still construct, and now keep their keys."""
    assert julep.CreateAgentRequestMetadata(team="core") == {"team": "core"}


@given(
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="?#%\\"),
        max_size=12,
    )
)
def test_a_base_url_path_is_sent_percent_encoded(segment: str) -> None:
    """A space or a non-ASCII letter in base_url's path is percent-encoded, as
    julep 0.3.9 (httpx) sent it, never put raw into the request line."""
    import urllib.parse

    segment = segment.strip()
    client = AsyncJulepApi(api_key="k", base_url=f"http://127.0.0.1:9/x{segment}/api")
    assert client.base_url.isascii()
    assert " " not in client.base_url
    path = urllib.parse.urlsplit(client.base_url).path
    assert urllib.parse.unquote(path) == f"/x{segment}/api/"
