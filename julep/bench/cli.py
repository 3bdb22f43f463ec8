"""``python -m julep bench``: the command line, and the order of the steps of a run.

A run: start the embedded server (unless ``--base-url``), make an agent, a user
and a session (unless given), run the load, print the summary, write the JSON
and the plot, delete what it made, stop the server.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import math
import os
import pathlib
import signal
import sys
import threading
import time
import types
import typing

from .. import _loop_backend, _network
from .._config import API_KEY_ENV
from .._http import redact_text, secrets_of
from ..client import AsyncJulepApi
from ..errors import JulepError
from .config import BenchConfig, Shard, Target, parse_duration
from .errors import BenchError
from .gate import Thresholds, check, parse_error_rate, parse_p99
from .gate import report as thresholds_report
from .parallel import run_parallel
from .plot import require_matplotlib, write_plot
from .progress import ProgressLine
from .report import document, rate_warning, summary, write_json
from .runner import run_load
from .server import embedded_server
from .stats import Progress, RunStats, merged
from .target import Fixtures, cleanup, prepare

DEFAULT_DURATION = 10.0
EMBEDDED_API_KEY = "julep-bench"  # the embedded server is started with the key in use
EXIT_INTERRUPTED = 130  # the shell's code for "ended by SIGINT"
EXIT_BREACHED = 1  # a threshold was breached (as for any failed run)
SETUP_TIMEOUT = 30.0

DESCRIPTION = f"""\
Load-test a Julep deployment with chat requests, and report throughput,
latency percentiles and errors.

Without --base-url it starts the embedded local server (echo model, in memory,
on 127.0.0.1, in a child process of its own) and benchmarks that. It makes an
agent, a user and a session for the run and deletes them at the end, unless
--session-id (or --agent-id / --user-id) names existing ones.

With no flags the run takes about {DEFAULT_DURATION:g} seconds. Ctrl+C stops the load
early and prints what was measured so far (exit code 130).
"""

EPILOG = """\
examples:
  python -m julep bench                                   # embedded server, 10 s
  python -m julep bench --stream --requests 2000          # time to first token too
  python -m julep bench --rate 200 --duration 30s         # open loop, 200 requests/s
  python -m julep bench --base-url https://host/api --api-key KEY --concurrency 32 \\
      --processes 4 --json out.json --plot out.png
  python -m julep bench --rate 100 --duration 30s --max-p99 250ms --max-error-rate 1% \\
      --min-rps 95                                        # a CI gate: exit 1 on a breach
"""


def _typed(parse: typing.Callable[[str], float]) -> typing.Callable[[str], float]:
    """An argparse type from a parser that raises ValueError with a clear message."""

    def convert(text: str) -> float:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def _min_rps(text: str) -> float:
    rps = float(text)
    if not 0 < rps < math.inf:  # nan too
        raise ValueError(f"--min-rps must be a positive number, got {text!r}")
    return rps


def _duration(text: str) -> float:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m julep bench",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    target = parser.add_argument_group("target")
    target.add_argument(
        "--base-url",
        metavar="URL",
        help="the API to load, e.g. https://host/api "
        "(default: start the embedded server); nothing else is contacted",
    )
    target.add_argument(
        "--api-key",
        metavar="KEY",
        help=f"API key (default: ${API_KEY_ENV}; any key for the embedded server)",
    )
    target.add_argument("--agent-id", metavar="ID", help="make the session with this agent")
    target.add_argument("--user-id", metavar="ID", help="make the session with this user")
    target.add_argument("--session-id", metavar="ID", help="chat in this existing session")

    load = parser.add_argument_group("load")
    load.add_argument(
        "--concurrency",
        type=int,
        default=256,
        metavar="N",
        help="closed loop: workers, each sending its next request when its last one ends; "
        "open loop: most requests in flight, an arrival finding all busy is dropped "
        "(default 256, over all processes)",
    )
    bound = load.add_mutually_exclusive_group()
    bound.add_argument(
        "--duration",
        type=_duration,
        metavar="D",
        help=f"how long to send requests: 30s, 500ms, 2m (default {DEFAULT_DURATION:g}s)",
    )
    bound.add_argument("--requests", type=int, metavar="N", help="send N requests, then stop")
    load.add_argument(
        "--rate",
        type=float,
        metavar="R",
        help="open loop: R requests per second on a fixed schedule, whatever the replies; "
        "latency counts from when each was due; the achieved rate, late and dropped "
        "arrivals are reported (default: closed loop)",
    )
    load.add_argument(
        "--stream", action="store_true", help="stream the replies; also time the first token"
    )
    load.add_argument(
        "--processes",
        type=int,
        default=1,
        metavar="P",
        help="spread the load over P processes, for when one client CPU is the limit (default 1)",
    )
    load.add_argument(
        "--record",
        action="store_true",
        help="keep each exchange in the session history (default off: it would grow all run)",
    )
    load.add_argument(
        "--remember", action="store_true", help="form memories from each exchange (default off)"
    )
    load.add_argument(
        "--timeout",
        type=_duration,
        default=60.0,
        metavar="D",
        help="a request not answered within D counts as an error (default 60s)",
    )
    load.add_argument(
        "--max-retries",
        type=int,
        default=0,
        metavar="N",
        help="SDK retries per request (default 0: every failure is counted, none hidden)",
    )

    gate = parser.add_argument_group(
        "thresholds", "a run that breaches any of them exits with 1 and names the breach"
    )
    gate.add_argument(
        "--max-error-rate",
        type=_typed(parse_error_rate),
        metavar="F",
        help="most errors allowed, as a fraction of the requests: 0.01 or 1%%",
    )
    gate.add_argument(
        "--max-p99",
        type=_typed(parse_p99),
        metavar="D",
        help="highest p99 latency allowed: 250ms, 1.5s (a run without successes breaches it)",
    )
    gate.add_argument(
        "--min-rps",
        type=_typed(_min_rps),
        metavar="R",
        help="lowest throughput allowed, in successful requests per second",
    )

    output = parser.add_argument_group("output")
    output.add_argument("--json", type=pathlib.Path, metavar="PATH", help="write the full result")
    output.add_argument(
        "--plot",
        type=pathlib.Path,
        metavar="PATH",
        help="write latency over time and its distribution as a PNG "
        "(needs matplotlib; from a checkout of julep: pip install -e '.[plot]')",
    )
    output.add_argument(
        "--quiet", action="store_true", help="no progress line on stderr, only the summary"
    )
    return parser


def _config(options: argparse.Namespace) -> BenchConfig:
    if options.session_id is not None and (options.agent_id or options.user_id):
        raise ValueError("--session-id names the session; --agent-id and --user-id make one")
    # Checked now, not found out after a long run whose result could not be written.
    for path in (options.json, options.plot):
        if path is None:
            continue
        if not path.parent.is_dir():
            raise ValueError(f"cannot write {path}: {path.parent} is not a directory")
        if path.is_dir():
            raise ValueError(f"cannot write {path}: it is a directory")
        if not os.access(path if path.exists() else path.parent, os.W_OK):
            raise ValueError(f"cannot write {path}: permission denied or a read-only file system")
    duration = options.duration
    if duration is None and options.requests is None:
        duration = DEFAULT_DURATION
    return BenchConfig(
        base_url=options.base_url,
        concurrency=options.concurrency,
        duration=duration,
        requests=options.requests,
        rate=options.rate,
        stream=options.stream,
        processes=options.processes,
        record=options.record,
        remember=options.remember,
        timeout=options.timeout,
        max_retries=options.max_retries,
        agent_id=options.agent_id,
        user_id=options.user_id,
        session_id=options.session_id,
    )


@contextlib.contextmanager
def _interruptible() -> typing.Iterator[threading.Event]:
    """Ctrl+C sets the event, so that the load stops and is reported; a second one
    raises KeyboardInterrupt at once, for when stopping takes too long."""
    interrupted = threading.Event()

    def on_sigint(signum: int, frame: types.FrameType | None) -> None:
        interrupted.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


def _load(config: BenchConfig, target: Target, quiet: bool) -> list[RunStats]:
    line = ProgressLine(sys.stderr)

    def on_progress(elapsed: float, progress: Progress) -> None:
        if not quiet:
            line.update(elapsed, progress)

    if not quiet:
        print(
            f"julep bench: loading {target.base_url} (Ctrl+C stops and reports)",
            file=sys.stderr,
            flush=True,
        )
    with _interruptible() as interrupted:
        try:
            if config.processes == 1:
                shard = Shard(config, target, 0)
                load = run_load(shard, time.time(), interrupted.is_set, on_progress)
                return [_loop_backend.run(load)]  # uvloop unless JULEP_UVLOOP=0
            return run_parallel(config, target, interrupted.is_set, on_progress)
        finally:
            line.close()


def _setup_client(base_url: str, api_key: str, config: BenchConfig) -> AsyncJulepApi:
    # Setting up and cleaning up are not measured, so they get the SDK's
    # retries and a limit of their own, however short the load's --timeout.
    return AsyncJulepApi(
        base_url=base_url,
        api_key=api_key,
        timeout=SETUP_TIMEOUT,
        # The embedded server is on this machine: never through a proxy.
        trust_env=config.base_url is not None,
    )


async def _prepare(base_url: str, api_key: str, config: BenchConfig) -> Fixtures:
    async with _setup_client(base_url, api_key, config) as client:
        return await prepare(client, config.agent_id, config.user_id, config.session_id)


async def _cleanup(base_url: str, api_key: str, config: BenchConfig, made: Fixtures) -> list[str]:
    async with _setup_client(base_url, api_key, config) as client:
        return await cleanup(client, made)


def _shown_url(base_url: str, api_key: str) -> str:
    """``base_url`` for a message: the key blanked, and any user and password as ``***``."""
    return _network.redact_text(redact_text(base_url, secrets_of(api_key, ())))


def _thresholds(options: argparse.Namespace) -> Thresholds:
    return Thresholds(
        max_error_rate=options.max_error_rate, max_p99=options.max_p99, min_rps=options.min_rps
    )


def _run(config: BenchConfig, api_key: str, options: argparse.Namespace) -> int:
    started_at = dt.datetime.now(dt.timezone.utc)
    with contextlib.ExitStack() as stack:
        base_url = config.base_url or stack.enter_context(embedded_server(api_key))
        try:
            made = asyncio.run(_prepare(base_url, api_key, config))
        except JulepError as exc:
            # The URL as given: it may hold the key the SDK refused to send in it.
            shown = _shown_url(base_url, api_key)
            raise BenchError(f"could not set up a session at {shown}: {exc}") from exc
        try:
            parts = _load(config, Target(base_url, api_key, made.session_id), options.quiet)
            total = merged(parts)
            result = document(config, base_url, started_at, total, parts)
            checks = check(_thresholds(options), result)
            result["thresholds"] = [item.to_dict() for item in checks]
            print(summary(result) + thresholds_report(checks), flush=True)
            warning = rate_warning(result)
            if warning is not None:
                print(f"julep bench: warning: {warning}", file=sys.stderr, flush=True)
            if options.json is not None:
                write_json(options.json, result)
                print(f"JSON written to {options.json.resolve()}", flush=True)
            if options.plot is not None:
                write_plot(options.plot, result, total.latency, total.ttft)
                print(f"plot written to {options.plot.resolve()}", flush=True)
            breaches = [item for item in checks if not item.passed]
            for item in breaches:
                print(f"julep bench: threshold breached: {item.text}", file=sys.stderr)
            if total.interrupted:
                return EXIT_INTERRUPTED
            if not total.successes:
                # Nothing was measured: a gate without thresholds must not pass it,
                # nor a run that sent nothing (--duration 10ms for 10s, a huge
                # --concurrency still starting its workers when the time was up).
                print(
                    f"julep bench: no request succeeded ({total.failures} failed)"
                    if total.failures
                    else "julep bench: no request was sent before the run ended",
                    file=sys.stderr,
                )
                return EXIT_BREACHED
            return EXIT_BREACHED if breaches else 0
        finally:
            for failure in asyncio.run(_cleanup(base_url, api_key, config, made)):
                print(f"julep bench: {failure}", file=sys.stderr)


def main(argv: list[str]) -> int:
    """Run ``bench [options]``; the exit code: 0, 1 (failed, every request failed, or a
    threshold breached), 2 (usage), 130 (Ctrl+C)."""
    parser = _parser()
    options = parser.parse_args(argv)
    try:
        config = _config(options)
        # JULEP_UVLOOP is read again when the load starts; a bad value is a
        # usage error now, before anything is started or made.
        _loop_backend.use_uvloop()
    except ValueError as exc:  # a ConfigurationError of JULEP_UVLOOP too
        parser.error(str(exc))
    api_key = options.api_key or os.environ.get(API_KEY_ENV)
    if api_key is None:
        if config.base_url is not None:
            parser.error(f"--base-url needs --api-key (or ${API_KEY_ENV})")
        api_key = EMBEDDED_API_KEY
    if options.plot is not None:
        try:
            require_matplotlib()
        except BenchError as exc:  # a usage error (exit 2), not a failed run: nothing ran
            parser.error(str(exc))
    try:
        return _run(config, api_key, options)
    except (BenchError, OSError) as exc:  # OSError: e.g. an output file cannot be written
        print(f"julep bench: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\njulep bench: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
