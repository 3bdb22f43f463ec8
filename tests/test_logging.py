"""JULEP_LOG turns on one line per request; the API key appears nowhere, at any level."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import typing
import warnings

import pytest

import julep

from .loopback import LoopbackServer

SECRET = "sk-live-DO-NOT-LEAK-1234567890"


def test_debug_log_lines_never_contain_the_key() -> None:
    """With JULEP_LOG=debug, requests, retries, errors and reprs are logged without the key."""
    with LoopbackServer() as server:
        script = textwrap.dedent(
            f"""
            import julep
            client = julep.JulepApi(api_key={SECRET!r}, base_url={server.base_url!r})
            print(repr(client), str(client))
            client.get_agent("one")
            try:
                client.with_options(max_retries=1).list_agents()  # the server has no such route
            except julep.NotFoundError as error:
                print(repr(error), str(error))
            client.close()
            """
        )
        result = subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env={"JULEP_LOG": "debug", "PATH": "/usr/bin:/bin"},
        )
    output = result.stdout + result.stderr
    assert SECRET not in output
    assert SECRET[-10:] not in output
    lines = [line for line in result.stderr.splitlines() if " julep " in line]
    assert any(
        "GET" in line and "/agents/one -> 200 in" in line and "attempt 1" in line for line in lines
    )
    assert any("/agents -> 404" in line for line in lines)


def test_public_exports_are_importable() -> None:
    """Every name in julep.__all__ exists."""
    missing = [name for name in julep.__all__ if not hasattr(julep, name)]
    assert missing == []


@pytest.fixture
def julep_logger() -> typing.Iterator[logging.Logger]:
    """The julep logger, restored after the test."""
    logger = logging.getLogger("julep")
    handlers, level = list(logger.handlers), logger.level
    yield logger
    logger.handlers[:] = handlers
    logger.setLevel(level)


def test_julep_log_is_read_when_each_client_is_built(
    julep_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A client built after JULEP_LOG changed applies the new level, with one handler only."""
    before = list(julep_logger.handlers)
    julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()
    assert julep_logger.handlers == before
    monkeypatch.setenv("JULEP_LOG", "debug")
    julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()
    assert julep_logger.level == logging.DEBUG
    monkeypatch.setenv("JULEP_LOG", "info")
    julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()
    assert julep_logger.level == logging.INFO
    assert len(julep_logger.handlers) == len(before) + 1


@pytest.mark.parametrize("how", ["chat_stream", "stream=True", "plain"])
def test_a_streamed_chat_is_logged_like_any_request(
    how: str, julep_logger: logging.Logger, caplog: pytest.LogCaptureFixture
) -> None:
    """JULEP_LOG's one line per request includes a streamed chat (it logged no line for one)."""
    from julep.server import LocalServer

    caplog.set_level(logging.INFO, logger="julep")
    messages = [{"role": "user", "content": "Hi"}]
    with LocalServer() as server, julep.JulepApi(api_key="k", base_url=server.base_url) as client:
        session = client.create_session(agent_id=client.create_agent(name="A").id)
        caplog.clear()
        if how == "chat_stream":
            with client.chat_stream(session.id, messages=messages) as stream:
                stream.until_done()
        else:
            options = {"stream": True} if how == "stream=True" else {}
            client.chat(session.id, messages=messages, **options)
    lines = [r.getMessage() for r in caplog.records if r.name == "julep"]
    assert len(lines) == 1, lines
    assert f"/sessions/{session.id}/chat -> 200 in" in lines[0]
    assert ("streaming" in lines[0]) == (how != "plain")


@pytest.mark.parametrize(
    ("setting", "level"), [("1", logging.INFO), ("TRUE", logging.INFO), (" on ", logging.INFO)]
)
def test_julep_log_set_to_a_true_value_logs_at_info(
    julep_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch, setting: str, level: int
) -> None:
    """JULEP_LOG=1 (or true, on, yes) switches on the info lines, as a switch is usually set."""
    monkeypatch.setenv("JULEP_LOG", setting)
    julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()
    assert julep_logger.level == level


def test_julep_log_set_to_an_unknown_value_is_warned_about_once(
    julep_logger: logging.Logger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typo (JULEP_LOG=verbose) says so once, and leaves logging as it was."""
    before = (julep_logger.level, list(julep_logger.handlers))
    monkeypatch.setenv("JULEP_LOG", "verbose-typo")
    with pytest.warns(RuntimeWarning, match="JULEP_LOG='verbose-typo' is not a level"):
        julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()  # not again
        monkeypatch.setenv("JULEP_LOG", "off")
        julep.JulepApi(api_key="k", base_url="http://127.0.0.1:1/api").close()
    assert (julep_logger.level, list(julep_logger.handlers)) == before
