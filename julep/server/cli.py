"""``julep serve``: run the local server until interrupted.

::

    JULEP_SERVER_API_KEY=secret python -m julep serve --port 8080 --db julep.db
    python -m julep serve --tls-cert server.pem --tls-key server.key   # HTTPS

The key is best given in ``JULEP_SERVER_API_KEY`` or ``--api-key-file``:
``--api-key`` shows it to every local user in ``ps``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import os
import signal
import sqlite3
import ssl
import sys

from .config import DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_BODY_BYTES, MIN_MAX_BODY_BYTES, MODELS
from .local import LocalServer
from .resources import raise_descriptor_limit
from .tls import context_from_files

KEY_ENV = "JULEP_SERVER_API_KEY"
SWITCH_INTERVAL = 0.001  # seconds; Python's default is 0.005


def _api_key(options: argparse.Namespace) -> str | None:
    """The key from --api-key, else --api-key-file, else the environment; None for dev mode."""
    if options.api_key is not None and options.api_key_file is not None:
        raise ValueError("give --api-key or --api-key-file, not both")
    if options.api_key is not None and not options.api_key.strip():
        raise ValueError("--api-key must not be empty (leave it out for dev mode)")
    if options.api_key is not None:
        print(
            f"julep serve: note: --api-key is visible to every local user in ps;"
            f" {KEY_ENV} or --api-key-file keep it private",
            file=sys.stderr,
        )
        return str(options.api_key)
    if options.api_key_file is not None:
        return _key_from_file(options.api_key_file)
    return os.environ.get(KEY_ENV) or None


def _key_from_file(path: str) -> str:
    """The one line of ``path`` (a trailing newline is fine; more lines are a mistake)."""
    try:
        # utf-8-sig: an editor's byte-order mark (Notepad's UTF-8) is not part of the key;
        # kept, it made every request a 403 with nothing to say why.
        with open(path, encoding="utf-8-sig") as file:
            lines = file.read().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"--api-key-file: cannot read {path}: {exc}") from None
    if len(lines) > 1:
        raise ValueError(
            f"--api-key-file: {path} holds {len(lines)} lines; it must hold only the key,"
            " on one line"
        )
    key = lines[0].strip() if lines else ""
    if not key:
        raise ValueError(f"--api-key-file: {path} is empty")
    return key


def _db_problem(path: str) -> str | None:
    """Why ``--db path`` cannot be a SQLite file, when that shows before opening it."""
    if not path.strip():  # `--db "$UNSET"`: SQLite would keep the data in a temp file
        return "is empty; leave --db out to keep the data in memory"
    if os.path.isdir(path):
        return "is a directory"
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        return f"no such directory: {parent}"
    return None


def _number(text: str) -> float:
    """An option's number, finite (argparse says which option otherwise)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return value


def _megabytes(text: str) -> float:
    """``--max-body-mb``: a finite number of MiB, at least LocalServer's smallest limit."""
    value = _number(text)
    if value * 2**20 < MIN_MAX_BODY_BYTES:
        raise argparse.ArgumentTypeError(
            f"at least {MIN_MAX_BODY_BYTES / 2**20:g} MiB ({MIN_MAX_BODY_BYTES // 1024} KiB),"
            f" got {text!r}"
        )
    return value


def _seconds(text: str) -> float:
    """``--idle-timeout``: a finite number of seconds above 0 (the body and answer
    watchdogs wait on it)."""
    value = _number(text)
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0 seconds, got {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m julep serve", description="Run a local Julep-compatible API server."
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=8080, help="port (default 8080; 0 picks a free one)"
    )
    parser.add_argument(
        "--db", metavar="PATH", help="SQLite file to keep data in (default: in memory)"
    )
    parser.add_argument(
        "--api-key",
        metavar="KEY",
        help=f"require this key (visible in ps: prefer {KEY_ENV} or --api-key-file;"
        " default: no key, dev mode, 127.0.0.1 only)",
    )
    parser.add_argument(
        "--api-key-file", metavar="PATH", help="require the key held in this file (one line)"
    )
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also accept requests whose Host header names NAME (repeatable; * accepts any)",
    )
    parser.add_argument(
        "--idle-timeout",
        type=_seconds,
        default=DEFAULT_IDLE_TIMEOUT,
        metavar="SECONDS",
        help="close a connection idle, or still sending its headers or body, or not"
        " reading a large answer, this long; a stalled request body is a 408"
        f" (default {DEFAULT_IDLE_TIMEOUT:g})",
    )
    parser.add_argument(
        "--max-body-mb",
        type=_megabytes,
        default=DEFAULT_MAX_BODY_BYTES / 2**20,
        metavar="MB",
        help=f"largest request body, in MiB (default {DEFAULT_MAX_BODY_BYTES // 2**20})",
    )
    parser.add_argument(
        "--model", choices=MODELS, default="echo", help="model backend (default echo)"
    )
    parser.add_argument(
        "--model-url", metavar="URL", help="OpenAI-compatible base URL for --model openai"
    )
    parser.add_argument(
        "--model-key",
        metavar="KEY",
        default=os.environ.get("OPENAI_API_KEY"),
        help="API key sent as Authorization: Bearer to --model-url (default: $OPENAI_API_KEY)",
    )
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="inject faults, e.g. 500=0.1,429=0.05,reset=0.05,delay=0.05:200ms",
    )
    parser.add_argument("--faults-seed", type=int, metavar="N", help="seed for repeatable faults")
    parser.add_argument(
        "--tls-cert", metavar="PEM", help="serve HTTPS with this certificate (chain) file"
    )
    parser.add_argument(
        "--tls-key", metavar="PEM", help="its private key (default: in the --tls-cert file)"
    )
    parser.add_argument(
        "--tls-client-ca",
        metavar="PEM",
        help="require client certificates signed by this CA (mutual TLS)",
    )
    return parser


def _tls_context(options: argparse.Namespace) -> ssl.SSLContext | None:
    if options.tls_cert is None:
        if options.tls_key is not None or options.tls_client_ca is not None:
            raise ValueError("--tls-key and --tls-client-ca need --tls-cert")
        return None
    return context_from_files(options.tls_cert, options.tls_key, options.tls_client_ca)


async def _serve(server: LocalServer) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with server:
        print(f"Julep local server: {server.base_url} (Ctrl+C to stop)", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> int:
    """Run ``serve [options]``; the leading ``serve`` may be left out."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["serve"]:
        args = args[1:]
    options = _parser().parse_args(args)
    if options.model != "openai" and options.model_key not in (
        None,
        os.environ.get("OPENAI_API_KEY"),
    ):
        # Given on the command line (the environment's key is no such mistake): the
        # user thinks a real model answers, and the echo model would.
        print(
            "julep serve: --model-key is only used with --model openai "
            f"(the model is {options.model})",
            file=sys.stderr,
        )
        return 2
    db_problem = None if options.db is None else _db_problem(options.db)
    if db_problem is not None:
        print(f"julep serve: --db {options.db}: {db_problem}", file=sys.stderr)
        return 2
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        server = LocalServer(
            tls=_tls_context(options),
            host=options.host,
            port=options.port,
            db=options.db,
            api_key=_api_key(options),
            model=options.model,
            model_url=options.model_url,
            model_key=options.model_key,
            faults=options.faults,
            faults_seed=options.faults_seed,
            allow_hosts=options.allow_host,
            max_body_bytes=int(options.max_body_mb * 2**20),
            idle_timeout=options.idle_timeout,
        )
    except (ValueError, OSError) as exc:  # OSError: an unreadable --tls-* file
        print(f"julep serve: {exc}", file=sys.stderr)
        return 2
    raise_descriptor_limit()
    # Large requests do their CPU work on worker threads; a shorter switch
    # interval hands the interpreter back to the event loop sooner.
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        asyncio.run(_serve(server))
    except OSError as exc:  # e.g. the port is taken
        print(f"julep serve: {exc}", file=sys.stderr)
        return 1
    except sqlite3.Error as exc:  # e.g. the file is not a SQLite database
        print(f"julep serve: --db {options.db}: {exc}", file=sys.stderr)
        return 2
    return 0
