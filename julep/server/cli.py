"""``julep serve``: run the local server until interrupted.

::

    python -m julep serve --port 8080 --db julep.db --api-key secret
    python -m julep serve --tls-cert server.pem --tls-key server.key   # HTTPS
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import ssl
import sys

from .config import MODELS
from .local import LocalServer
from .tls import context_from_files


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="julep serve", description="Run a local Julep-compatible API server."
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
        "--api-key", metavar="KEY", help="require this key (default: accept any, dev mode)"
    )
    parser.add_argument(
        "--model", choices=MODELS, default="echo", help="model backend (default echo)"
    )
    parser.add_argument(
        "--model-url", metavar="URL", help="OpenAI-compatible base URL for --model openai"
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
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        server = LocalServer(
            tls=_tls_context(options),
            host=options.host,
            port=options.port,
            db=options.db,
            api_key=options.api_key,
            model=options.model,
            model_url=options.model_url,
            faults=options.faults,
            faults_seed=options.faults_seed,
        )
    except ValueError as exc:
        print(f"julep serve: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_serve(server))
    except OSError as exc:  # e.g. the port is taken
        print(f"julep serve: {exc}", file=sys.stderr)
        return 1
    return 0
