"""Sphinx configuration for the julep API reference.

Build it with ``python -m sphinx -W -b html docs docs/_build/html``: every
warning is an error, and ``_ext/require_docs.py`` warns about a public
function, method or class documented without a docstring or a signature.
"""

from __future__ import annotations

import pathlib
import sys

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE / "_ext"))

import julep  # noqa: E402 - after the path to the local extension is set
from julep.bench.cli import _parser as bench_parser  # noqa: E402
from julep.server.cli import _parser as serve_parser  # noqa: E402

project = "julep"
release = julep.__version__
version = release
extensions = ["sphinx.ext.autodoc", "sphinx.ext.napoleon", "require_docs"]
exclude_patterns = ["_build"]
nitpicky = False  # type hints name aiohttp and attrs types that have no docs here
# Field names such as `type` exist on several models; an ambiguous cross-reference from a
# type hint to them is not an error in the docs.
suppress_warnings = ["ref.python"]
autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_preserve_defaults = True  # a sentinel default reads as its name, not <object object>
autodoc_class_signature = "separated"
autodoc_default_options = {"members": True, "show-inheritance": True}
html_theme = "alabaster"
html_static_path: list[str] = []

# The command-line pages show the exact --help of each command, generated at build time.
GENERATED = HERE / "_generated"
GENERATED.mkdir(exist_ok=True)
(GENERATED / "serve-help.txt").write_text(serve_parser().format_help())
(GENERATED / "bench-help.txt").write_text(bench_parser().format_help())
