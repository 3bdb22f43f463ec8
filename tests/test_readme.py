"""README.rst is a tested contract: it renders, opens with the two set-up commands,
and every ``.. code-block:: python`` in it runs verbatim against ``python -m julep serve``."""

from __future__ import annotations

import os
import pathlib
import re
import shlex
import subprocess
import sys
import typing

import docutils.core
import docutils.nodes
import docutils.utils
import pytest
import yarl

from julep._network import proxy_from_env
from julep.bench.cli import _parser as bench_parser
from julep.demo import _parser as demo_parser
from julep.server.cli import _parser as serve_parser

ROOT = pathlib.Path(__file__).parent.parent
README = ROOT / "README.rst"
KEY = "sk-readme-0123456789"
BLOCK_TIMEOUT = 120  # seconds one block may run; the local server answers in milliseconds


class Block(typing.NamedTuple):
    section: str
    line: int
    source: str


def _doctree() -> docutils.nodes.document:
    return docutils.core.publish_doctree(
        README.read_text(), settings_overrides={"halt_level": docutils.utils.Reporter.WARNING_LEVEL}
    )


def python_blocks() -> list[Block]:
    """Every ``.. code-block:: python`` of README.rst, with the title of its section."""
    blocks = []
    for node in _doctree().findall(docutils.nodes.literal_block):
        if "python" not in node.get("classes", []):
            continue
        section = node.parent
        while section is not None and not isinstance(section, docutils.nodes.section):
            section = section.parent
        title = section[0].astext() if section is not None else "top"
        blocks.append(Block(title, node.line or 0, node.astext()))
    return blocks


def _block_id(block: Block) -> str:
    return re.sub(r"[^a-z0-9]+", "-", block.section.lower()).strip("-") + f"-line{block.line}"


BLOCKS = python_blocks()


def test_readme_renders_cleanly() -> None:
    """A malformed table or a broken directive fails here, not on the package index."""
    _doctree()


def test_readme_gives_the_two_commands_first() -> None:
    """The first literal block is: install and run the demo; install and run the tests."""
    text = README.read_text()
    block = text.split("::\n\n", 1)[1].split("\n\n")[:2]
    assert [line.strip() for line in block] == [
        "pip install -e . && python -m julep demo",
        "pip install -e '.[test]' && python -m pytest",
    ]


def test_readme_has_python_blocks_to_run() -> None:
    """The extraction finds the quick starts: a change of markup cannot empty the runner."""
    sections = {block.section for block in BLOCKS}
    assert {"Quick start (sync)", "Quick start (async)"} <= sections


@pytest.fixture(scope="module")
def served_url() -> typing.Iterator[str]:
    """``python -m julep serve`` on a free port of 127.0.0.1, as a user would start it."""
    process = subprocess.Popen(
        [sys.executable, "-m", "julep", "serve", "--port", "0", "--api-key", KEY],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+/api", banner)
        assert match, f"no URL in the serve banner: {banner!r}"
        yield match.group(0)
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.mark.parametrize("block", BLOCKS, ids=[_block_id(block) for block in BLOCKS])
def test_readme_python_block_runs(block: Block, served_url: str, tmp_path: pathlib.Path) -> None:
    """The block, saved as a file and run as a program with the README's environment, exits 0."""
    script = tmp_path / "readme_block.py"
    script.write_text(block.source + "\n")
    env = {name: value for name, value in os.environ.items() if not name.startswith("JULEP_")}
    env.update(JULEP_API_URL=served_url, JULEP_API_KEY=KEY)
    result = subprocess.run(
        [sys.executable, "-W", "error", str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=BLOCK_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, (
        f"README.rst line {block.line} ({block.section}) failed:\n{result.stdout}{result.stderr}"
    )
    assert KEY not in result.stdout + result.stderr
    for fragment in _promised_output(block.source):
        assert fragment in result.stdout, (
            f"README.rst line {block.line} ({block.section}) promises {fragment!r} in what it "
            f"prints:\n{result.stdout}"
        )


def _promised_output(source: str) -> list[str]:
    """The text a block's ``print(...)  # ... A ... B`` comments say it prints: A, B."""
    fragments = []
    for line in source.splitlines():
        code, _, comment = line.partition("  # ")
        if "print(" in code and comment.startswith("..."):
            fragments += [part.strip() for part in comment.split("...") if part.strip()]
    return fragments


def test_readme_promises_some_printed_output() -> None:
    """The templates example says what it prints; the check above reads it."""
    assert any(_promised_output(block.source) for block in BLOCKS)


def _julep_commands() -> list[list[str]]:
    """The ``$ python -m julep ...`` lines of README's console blocks, as argument lists."""
    commands = []
    for node in _doctree().findall(docutils.nodes.literal_block):
        if "console" not in node.get("classes", []):
            continue
        for line in node.astext().replace("\\\n", " ").splitlines():
            words = shlex.split(line.removeprefix("$ "), comments=True)
            while words and "=" in words[0]:  # VAR=value before the command
                words.pop(0)
            for operator in ("&", "&&", "||", "|", ";"):  # the command ends there
                if operator in words:
                    words = words[: words.index(operator)]
            if words[:3] == ["python", "-m", "julep"]:
                commands.append(words[3:])
    return commands


def test_readme_commands_use_options_that_exist() -> None:
    """Every julep command line shown in README parses with today's options."""
    parsers = {"demo": demo_parser, "serve": serve_parser, "bench": bench_parser}
    commands = _julep_commands()
    assert {command[0] for command in commands} >= {"serve", "bench", "demo", "--version"}
    for command, *options in commands:
        if command != "--version":
            parsers[command]().parse_args(options)


def _console_environments() -> list[dict[str, str]]:
    """The ``VAR=value ... command`` prefixes of README's console lines, as dicts."""
    found = []
    for node in _doctree().findall(docutils.nodes.literal_block):
        if "console" not in node.get("classes", []):
            continue
        for line in node.astext().replace("\\\n", " ").splitlines():
            words = shlex.split(line.removeprefix("$ "), comments=True)
            env = {}
            while words and "=" in words[0] and not words[0].startswith("-"):
                name, _, value = words.pop(0).partition("=")
                env[name] = value
            if env:
                found.append(env)
    return found


def test_readme_command_lines_reach_a_local_server_around_their_proxy() -> None:
    """A README command line that names a proxy and a local server's URL also sets NO_PROXY
    for it: README says loopback addresses use the proxy unless listed, and a corporate
    proxy cannot reach this machine's 127.0.0.1 (the TLS example sent it there)."""

    checked = 0
    for env in _console_environments():
        url = env.get("JULEP_API_URL", "")
        host = yarl.URL(url).host if url else None
        if host in {"127.0.0.1", "localhost", "::1"}:
            checked += 1
            proxy, source = proxy_from_env(yarl.URL(url), env)
            assert proxy is None, f"README sends {url} through the proxy {proxy} ({source})"
    assert checked, "no README command line runs a program against a local server's URL"
