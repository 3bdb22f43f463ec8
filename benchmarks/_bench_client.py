"""One benchmark measurement in a fresh interpreter.

``chat_throughput.py`` runs this script once per (variant, concurrency, round)
so that no variant inherits another's warm caches, pools or GC state. It
prints exactly one JSON line on stdout: the measurement, ``{"skip": reason}``
when the variant cannot run here (missing package, SDK not importable yet),
or ``{"error": ...}`` with a non-zero exit status.

Only the stdlib is imported at module level: the ``julep039`` variant runs
under julep 0.3.9's side virtualenv, which has no orjson/cattrs/aiohttp.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib.metadata
import json
import os
import platform
import resource
import sys
import threading
import time
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import _payloads

AsyncCall = Callable[[], Awaitable[Any]]
SyncCall = Callable[[], Any]

# Reported with every result, so the JSON says what was actually measured.
_PACKAGES = (
    "aiohttp",
    "attrs",
    "cattrs",
    "orjson",
    "anyio",
    "httpx",
    "httpcore",
    "pydantic",
    "julep",
    "uvloop",
)
_REQUEST_TIMEOUT_S = 60.0


class VariantUnavailableError(Exception):
    """The variant cannot run in this interpreter; the reason is reported."""


@dataclass(frozen=True)
class Config:
    variant: str
    concurrency: int
    requests: int
    warmup: int
    port: int
    server_pid: int


@dataclass
class AsyncVariant:
    call: AsyncCall
    validate: Callable[[Any], None]
    notes: list[str] = field(default_factory=list)


@dataclass
class SyncVariant:
    call: SyncCall
    validate: Callable[[Any], None]
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------
# Measurement


def _proc_cpu_ticks(pid: int) -> int | None:
    """utime+stime of ``pid`` in clock ticks, None where /proc is unavailable."""
    if pid <= 0:
        return None
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return None
    # Fields after the parenthesised command name; utime/stime are fields 14/15.
    fields = stat[stat.rindex(b")") + 2 :].split()
    return int(fields[11]) + int(fields[12])


class Meter:
    """Wall time, own CPU (all threads) and server CPU over the timed section."""

    def __init__(self, server_pid: int) -> None:
        self._server_pid = server_pid

    def start(self) -> None:
        self._srv0 = _proc_cpu_ticks(self._server_pid)
        self._ru0 = resource.getrusage(resource.RUSAGE_SELF)
        self._t0 = time.perf_counter()

    def stop(self, requests: int) -> dict[str, Any]:
        t1 = time.perf_counter()
        ru1 = resource.getrusage(resource.RUSAGE_SELF)
        srv1 = _proc_cpu_ticks(self._server_pid)
        wall = t1 - self._t0
        user = ru1.ru_utime - self._ru0.ru_utime
        sys_ = ru1.ru_stime - self._ru0.ru_stime
        out: dict[str, Any] = {
            "wall_s": wall,
            "req_per_s": requests / wall,
            "cpu_user_s": user,
            "cpu_sys_s": sys_,
            "cpu_us_per_req": (user + sys_) / requests * 1e6,
            # Peak resident memory of this client process (Linux reports KiB).
            "peak_rss_mb": ru1.ru_maxrss / 1024,
            "server_cpu_s": None,
            "server_util": None,
        }
        if self._srv0 is not None and srv1 is not None:
            server_s = (srv1 - self._srv0) / os.sysconf("SC_CLK_TCK")
            out["server_cpu_s"] = server_s
            out["server_util"] = server_s / wall
        return out


# --------------------------------------------------------------------------
# Load generators (closed loops: each worker sends its next request as soon
# as the previous one has been answered)


async def closed_loop_async(call: AsyncCall, concurrency: int, total: int) -> None:
    remaining = total

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:  # single event loop thread: no lock needed
            remaining -= 1
            await call()

    await asyncio.gather(*(worker() for _ in range(min(concurrency, total))))


def closed_loop_threads(call: SyncCall, threads: int, total: int) -> None:
    if threads == 1:  # no thread hop at all for the sequential case
        for _ in range(total):
            call()
        return
    lock = threading.Lock()
    remaining = total
    errors: list[BaseException] = []

    def worker() -> None:
        nonlocal remaining
        while not errors:
            with lock:
                if remaining <= 0:
                    return
                remaining -= 1
            try:
                call()
            except Exception as exc:  # re-raised by the caller below
                errors.append(exc)
                return

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()  # bounded by the parent's per-child timeout
    if errors:
        raise errors[0]


# --------------------------------------------------------------------------
# Validation helpers: one checked call after warm-up, outside the timed part


def _expect_raw(body: Any) -> None:
    if body != _payloads.RESPONSE_BODY:
        raise AssertionError(f"unexpected response body: {body[:200]!r}")


def _expect_chat_response(resp: Any) -> None:
    if str(getattr(resp, "id", None)) != _payloads.RESPONSE_ID:
        raise AssertionError(f"unexpected ChatResponse: {resp!r}"[:300])


# --------------------------------------------------------------------------
# Variants. Each is a context manager that owns its client for the whole run.

_JSON_HEADERS = {"Content-Type": "application/json"}


def _need(module: str, why: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError as exc:
        raise VariantUnavailableError(
            f"{module} is not installed in {sys.executable} ({why}): {exc}"
        ) from exc


@contextlib.asynccontextmanager
async def aiohttp_raw(cfg: Config) -> AsyncIterator[AsyncVariant]:
    aiohttp = _need("aiohttp", "transport floor")
    url, body = _payloads.chat_url(cfg.port), _payloads.REQUEST_BODY
    connector = aiohttp.TCPConnector(limit=cfg.concurrency)
    timeout = aiohttp.ClientTimeout(total=_REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def call() -> bytes:
            async with session.post(url, data=body, headers=_JSON_HEADERS) as r:
                data: bytes = await r.read()
                if r.status != 200:
                    raise RuntimeError(f"HTTP {r.status}: {data[:200]!r}")
                return data

        yield AsyncVariant(call, _expect_raw)


def _import_sdk() -> Any:
    """The SDK under test (from --sdk-root). A failure here is an error, not a skip."""
    import julep

    return julep


@contextlib.asynccontextmanager
async def aiohttp_cattrs(cfg: Config) -> AsyncIterator[AsyncVariant]:
    aiohttp = _need("aiohttp", "SDK floor")
    orjson = _need("orjson", "SDK floor")
    julep = _import_sdk()
    from julep import ChatResponse
    from julep._serde import converter

    url, req = _payloads.chat_url(cfg.port), _payloads.REQUEST_OBJ
    connector = aiohttp.TCPConnector(limit=cfg.concurrency)
    timeout = aiohttp.ClientTimeout(total=_REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def call() -> Any:
            # Encode per call, as a real client would for a fresh request.
            async with session.post(url, data=orjson.dumps(req), headers=_JSON_HEADERS) as r:
                data = await r.read()
                if r.status != 200:
                    raise RuntimeError(f"HTTP {r.status}: {data[:200]!r}")
            return converter.structure(orjson.loads(data), ChatResponse)

        yield AsyncVariant(call, _expect_chat_response, [f"julep from {julep.__file__}"])


def _sdk_kwargs(cfg: Config, connection_limit: int) -> dict[str, Any]:
    return {
        "api_key": "bench",
        "base_url": _payloads.base_url(cfg.port),
        "connection_limit": connection_limit,
    }


async def _sdk_chat(client: Any) -> Any:
    return await client.chat(
        session_id=_payloads.SESSION_ID,
        messages=[{"role": "user", "content": "hello"}],
        temperature=0.7,
        max_tokens=200,
    )


@contextlib.asynccontextmanager
async def sdk_async(cfg: Config) -> AsyncIterator[AsyncVariant]:
    julep = _import_sdk()
    from julep.client import AsyncJulepApi

    async with AsyncJulepApi(**_sdk_kwargs(cfg, cfg.concurrency)) as client:
        yield AsyncVariant(
            lambda: _sdk_chat(client), _expect_chat_response, [f"julep from {julep.__file__}"]
        )


@contextlib.asynccontextmanager
async def httpx_raw(cfg: Config) -> AsyncIterator[AsyncVariant]:
    httpx = _need("httpx", "pip install httpx to run this variant")
    url, body = _payloads.chat_url(cfg.port), _payloads.REQUEST_BODY
    limits = httpx.Limits(
        max_connections=cfg.concurrency, max_keepalive_connections=cfg.concurrency
    )
    # trust_env=False: never route loopback traffic through a proxy from the env.
    async with httpx.AsyncClient(
        limits=limits, timeout=_REQUEST_TIMEOUT_S, trust_env=False
    ) as client:

        async def call() -> bytes:
            r = await client.post(url, content=body, headers=_JSON_HEADERS)
            if r.status_code != 200:
                raise RuntimeError(f"HTTP {r.status_code}: {r.content[:200]!r}")
            return bytes(r.content)

        yield AsyncVariant(call, _expect_raw)


@contextlib.asynccontextmanager
async def julep039(cfg: Config) -> AsyncIterator[AsyncVariant]:
    try:
        from julep.api import InputChatMlMessage, InputChatMlMessageRole
        from julep.api.client import AsyncJulepApi
    except Exception as exc:
        raise VariantUnavailableError(
            f"julep 0.3.9 not importable in {sys.executable}: {exc!r}"
        ) from exc
    # As shipped: httpx default pool (100 connections, 20 keep-alive).
    client = AsyncJulepApi(api_key="bench", base_url=_payloads.base_url(cfg.port))
    sid = _payloads.SESSION_ID

    async def call() -> Any:
        # Messages built per call, as user code would.
        return await client.chat(
            session_id=sid,
            messages=[InputChatMlMessage(role=InputChatMlMessageRole.USER, content="hello")],
            temperature=0.7,
            max_tokens=200,
        )

    try:
        yield AsyncVariant(call, _expect_chat_response)
    finally:
        await client._client_wrapper.httpx_client.aclose()


@contextlib.contextmanager
def sdk_sync(cfg: Config, threads: int, uvloop: bool) -> Iterator[SyncVariant]:
    """One JulepApi shared by ``threads`` callers; its loop is uvloop or stock asyncio."""
    if uvloop:
        _need("uvloop", "pip install -e '.[speed]' to run the uvloop variants")
    # Read by the client when it starts its event-loop thread.
    os.environ["JULEP_UVLOOP"] = "1" if uvloop else "0"
    julep = _import_sdk()
    from julep.client import JulepApi

    with JulepApi(**_sdk_kwargs(cfg, threads)) as client:
        sid = _payloads.SESSION_ID

        def call() -> Any:
            return client.chat(
                session_id=sid,
                messages=[{"role": "user", "content": "hello"}],
                temperature=0.7,
                max_tokens=200,
            )

        notes = [f"julep from {julep.__file__}", f"loop: {'uvloop' if uvloop else 'asyncio'}"]
        yield SyncVariant(call, _expect_chat_response, notes)


ASYNC_VARIANTS: dict[
    str, Callable[[Config], contextlib.AbstractAsyncContextManager[AsyncVariant]]
] = {
    "aiohttp_raw": aiohttp_raw,
    "aiohttp_cattrs": aiohttp_cattrs,
    "sdk_async": sdk_async,
    "sdk_async_base": sdk_async,  # the parent puts another checkout on its path
    "httpx_raw": httpx_raw,
    "julep039": julep039,
}
# Sync variants: name -> (caller threads sharing one client, loop on uvloop).
SYNC_VARIANTS: dict[str, tuple[int, bool]] = {
    "sdk_sync_1t": (1, False),
    "sdk_sync_8t": (8, False),
    "sdk_sync_1t_uvloop": (1, True),
    "sdk_sync_8t_uvloop": (8, True),
}


# --------------------------------------------------------------------------
# Drivers


async def _measure_async(cfg: Config) -> tuple[dict[str, Any], list[str]]:
    async with ASYNC_VARIANTS[cfg.variant](cfg) as v:
        await closed_loop_async(v.call, cfg.concurrency, cfg.warmup)
        v.validate(await v.call())
        meter = Meter(cfg.server_pid)
        meter.start()
        await closed_loop_async(v.call, cfg.concurrency, cfg.requests)
        return meter.stop(cfg.requests), v.notes


def _measure_sync(cfg: Config) -> tuple[dict[str, Any], list[str]]:
    threads, uvloop = SYNC_VARIANTS[cfg.variant]
    with sdk_sync(cfg, threads, uvloop) as v:
        closed_loop_threads(v.call, threads, cfg.warmup)
        v.validate(v.call())
        meter = Meter(cfg.server_pid)
        meter.start()
        closed_loop_threads(v.call, threads, cfg.requests)
        return meter.stop(cfg.requests), v.notes


def _versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in _PACKAGES:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = None
    return out


def _raise_fd_limit(concurrency: int) -> None:
    """C=512 needs >512 sockets; lift the soft limit towards the hard one."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, 2 * concurrency + 256)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    if want > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def run(cfg: Config) -> dict[str, Any]:
    _raise_fd_limit(cfg.concurrency)
    if cfg.variant in SYNC_VARIANTS:
        metrics, notes = _measure_sync(cfg)
    elif cfg.variant in ASYNC_VARIANTS:
        metrics, notes = asyncio.run(_measure_async(cfg))
    else:
        raise SystemExit(f"unknown variant {cfg.variant!r}")
    affinity = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    return {
        "variant": cfg.variant,
        "concurrency": cfg.concurrency,
        "requests": cfg.requests,
        "warmup": cfg.warmup,
        **metrics,
        "notes": notes,
        "python": sys.executable,
        "python_version": platform.python_version(),
        "affinity": affinity,
        "versions": _versions(),
    }


def _parse(argv: list[str] | None) -> Config:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--variant", required=True)
    p.add_argument("--concurrency", type=int, required=True)
    p.add_argument("--requests", type=int, required=True)
    p.add_argument("--warmup", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--server-pid", type=int, default=0, help="server process to sample CPU of")
    a = p.parse_args(argv)
    return Config(a.variant, a.concurrency, a.requests, a.warmup, a.port, a.server_pid)


def main(argv: list[str] | None = None) -> int:
    cfg = _parse(argv)
    try:
        result = run(cfg)
    except VariantUnavailableError as exc:
        print(json.dumps({"variant": cfg.variant, "skip": str(exc)}), flush=True)
        return 0
    except Exception as exc:  # reported to the parent as JSON
        err = {
            "variant": cfg.variant,
            "error": repr(exc),
            "traceback": traceback.format_exc(),
        }
        print(json.dumps(err), flush=True)
        return 1
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
