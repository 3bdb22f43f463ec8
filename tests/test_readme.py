"""README.rst renders without warnings and opens with the two set-up commands."""

from __future__ import annotations

import pathlib

import docutils.core
import docutils.utils

README = pathlib.Path(__file__).parent.parent / "README.rst"


def test_readme_renders_cleanly() -> None:
    """A malformed table or a broken directive fails here, not on the package index."""
    docutils.core.publish_doctree(
        README.read_text(), settings_overrides={"halt_level": docutils.utils.Reporter.WARNING_LEVEL}
    )


def test_readme_gives_the_two_commands_first() -> None:
    """The first literal block is: install and run the demo; install and run the tests."""
    text = README.read_text()
    block = text.split("::\n\n", 1)[1].split("\n\n")[:2]
    assert [line.strip() for line in block] == [
        "pip install -e . && python -m julep demo",
        "pip install -e '.[test]' && python -m pytest",
    ]
