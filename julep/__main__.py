"""``python -m julep``: ``serve`` the local server, run the ``demo``, or ``bench`` a deployment."""

from __future__ import annotations

import os
import sys

from ._version import __version__

USAGE = """usage: python -m julep [--version] COMMAND [options]

commands:
  demo     walk through the API against the embedded local server
  serve    run the local Julep-compatible server (python -m julep serve --help)
  bench    load-test a Julep deployment (python -m julep bench --help)
"""


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(USAGE, end="")
        return 0 if args else 2
    command, rest = args[0], args[1:]
    if command in ("-V", "--version"):
        if rest:  # `--version --frob`: an unknown option is an error, as everywhere else
            print(f"unexpected arguments after {command}: {' '.join(rest)}", file=sys.stderr)
            return 2
        print(f"julep {__version__}")
        return 0
    # Each command is imported only when asked for: --help stays fast.
    if command == "demo":
        from .demo import main as demo

        return demo(rest)
    if command == "serve":
        from .server.cli import main as serve

        return serve(rest)
    if command == "bench":
        from .bench.cli import main as bench

        return bench(rest)
    print(f"unknown command {command!r}\n\n{USAGE}", end="", file=sys.stderr)
    return 2


# 128 + SIGPIPE: what a shell reports for a command whose reader went away.
EXIT_BROKEN_PIPE = 141


def run() -> int:
    """``main()``, quiet when the reader of its output goes away (``| head``)."""
    try:
        return main()
    except BrokenPipeError:
        # Nothing more can be written; the interpreter's flush of stdout at exit
        # would fail again and print a second error, so it goes to /dev/null.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


if __name__ == "__main__":
    sys.exit(run())
