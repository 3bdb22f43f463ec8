"""One decode_scale.py measurement in a fresh interpreter: one client, one operation, every N.

Prints one JSON line: per item count, the median client CPU time (and wall
time) of a whole call (HTTP GET plus decode into typed objects) and of
decoding alone (bytes already in hand), or ``{"skip": reason}`` when the
client cannot run here. CPU time, because on a shared machine wall time
also counts the moments this process was not running.

Only the stdlib is imported at module level: the ``julep039`` client runs
under julep 0.3.9's side virtualenv.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import statistics
import sys
import time
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import _decode_payloads

OPS = ("list_agents", "get_history")


class ClientUnavailableError(Exception):
    """The client cannot run in this interpreter; the reason is reported."""


@dataclass
class Client:
    """How one library fetches and decodes one operation."""

    fetch: Callable[[int], Awaitable[Any]]  # items -> decoded response, over HTTP
    decode: Callable[[bytes], Any]  # body -> decoded response
    close: Callable[[], Awaitable[None]]


def _items(result: Any) -> list[Any]:
    items = result["items"] if isinstance(result, dict) else result.items
    return list(items)


def _path(op: str) -> str:
    return "agents" if op == "list_agents" else f"sessions/{_decode_payloads.SESSION_ID}/history"


# --------------------------------------------------------------------------
# Clients


def sdk(port: int, op: str) -> Client:
    """The SDK under test: AsyncJulepApi over HTTP, its own decode step alone."""
    from julep import GetHistoryResponse, ListAgentsResponse, _http
    from julep.client import AsyncJulepApi

    cls = ListAgentsResponse if op == "list_agents" else GetHistoryResponse
    clients: dict[int, Any] = {}

    async def fetch(items: int) -> Any:
        client = clients.get(items)
        if client is None:
            base_url = _decode_payloads.base_url(port, items)
            client = clients[items] = AsyncJulepApi(api_key="bench", base_url=base_url)
        if op == "list_agents":
            return await client.list_agents()
        return await client.get_history(_decode_payloads.SESSION_ID)

    async def close() -> None:
        for client in clients.values():
            await client.close()

    def decode(body: bytes) -> Any:
        # The step a call runs on its body: JSON, exact big integers, the
        # model, its response_info.
        return _http.decode(_http.RawResponse("GET", _path(op), 200, {}, body), cls)

    return Client(fetch, decode, close)


def _aiohttp_client(port: int, op: str, decode: Callable[[bytes], Any]) -> Client:
    import aiohttp

    session: list[Any] = []

    async def fetch(items: int) -> Any:
        if not session:
            session.append(aiohttp.ClientSession())
        url = f"{_decode_payloads.base_url(port, items)}/{_path(op)}"
        async with session[0].get(url, headers={"Authorization": "Bearer bench"}) as r:
            body = await r.read()
            if r.status != 200:
                raise RuntimeError(f"HTTP {r.status}: {body[:200]!r}")
        return decode(body)

    async def close() -> None:
        for s in session:
            await s.close()

    return Client(fetch, decode, close)


def pydantic2(port: int, op: str) -> Client:
    """aiohttp + hand-written pydantic v2 models equivalent to the SDK's."""
    try:
        import _decode_models_pydantic as models
    except ImportError as exc:
        raise ClientUnavailableError(f"pydantic v2 not importable: {exc}") from exc
    cls = models.ListAgentsResponse if op == "list_agents" else models.GetHistoryResponse
    return _aiohttp_client(port, op, cls.model_validate_json)


def msgspec_(port: int, op: str) -> Client:
    """aiohttp + msgspec Structs equivalent to the SDK's models."""
    try:
        import _decode_models_msgspec as models
        import msgspec
    except ImportError as exc:
        raise ClientUnavailableError(f"msgspec not importable: {exc}") from exc
    cls = models.ListAgentsResponse if op == "list_agents" else models.GetHistoryResponse
    return _aiohttp_client(port, op, msgspec.json.Decoder(cls).decode)


def julep039(port: int, op: str) -> Client:
    """julep 0.3.9's AsyncJulepApi (httpx + pydantic.v1), as shipped."""
    try:
        from pydantic import v1 as pydantic_v1

        from julep.api import GetHistoryResponse, ListAgentsResponse
        from julep.api.client import AsyncJulepApi
    except Exception as exc:
        raise ClientUnavailableError(f"julep 0.3.9 not importable: {exc!r}") from exc
    cls = ListAgentsResponse if op == "list_agents" else GetHistoryResponse
    clients: dict[int, Any] = {}

    async def fetch(items: int) -> Any:
        client = clients.get(items)
        if client is None:
            base_url = _decode_payloads.base_url(port, items)
            client = clients[items] = AsyncJulepApi(api_key="bench", base_url=base_url)
        if op == "list_agents":
            return await client.list_agents()
        return await client.get_history(session_id=_decode_payloads.SESSION_ID)

    async def close() -> None:
        for client in clients.values():
            await client._client_wrapper.httpx_client.aclose()

    # What 0.3.9 does with a 2xx body: response.json(), then parse_obj_as.
    return Client(fetch, lambda body: pydantic_v1.parse_obj_as(cls, json.loads(body)), close)


CLIENTS: dict[str, Callable[[int, str], Client]] = {
    "sdk": sdk,
    "sdk_base": sdk,  # the same code, imported from the baseline checkout
    "pydantic2": pydantic2,
    "msgspec": msgspec_,
    "julep039": julep039,
}


# --------------------------------------------------------------------------
# Measurement


@dataclass(frozen=True)
class Budget:
    min_calls: int
    max_calls: int
    min_seconds: float


def _enough(times: list[float], budget: Budget) -> bool:
    if len(times) >= budget.max_calls:
        return True
    return len(times) >= budget.min_calls and sum(times) >= budget.min_seconds


def _check(result: Any, items: int, op: str) -> None:
    got = _items(result)
    if len(got) != items:
        raise AssertionError(f"{op}: expected {items} items, decoded {len(got)}")
    if items:
        last = got[-1]
        created = last["created_at"] if isinstance(last, dict) else last.created_at
        if not hasattr(created, "tzinfo"):
            raise AssertionError(f"{op}: created_at decoded to {type(created).__name__}")


def _get(port: int, items: int, op: str) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", f"/n{items}/api/{_path(op)}")
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            raise RuntimeError(f"HTTP {resp.status} for {items} items")
        return body
    finally:
        conn.close()


async def measure(
    client: Client, port: int, op: str, sizes: list[int], budget: Budget
) -> list[dict[str, Any]]:
    rows = []
    try:
        for items in sizes:
            _check(await client.fetch(items), items, op)  # warm-up, and checked
            call_s: list[float] = []
            wall_s: list[float] = []
            while not _enough(call_s, budget):
                t0, c0 = time.perf_counter(), time.process_time()
                await client.fetch(items)
                call_s.append(time.process_time() - c0)
                wall_s.append(time.perf_counter() - t0)
            body = _get(port, items, op)
            _check(client.decode(body), items, op)
            decode_s: list[float] = []
            while not _enough(decode_s, budget):
                c0 = time.process_time()
                client.decode(body)
                decode_s.append(time.process_time() - c0)
            rows.append(
                {
                    "items": items,
                    "body_bytes": len(body),
                    "call_s": statistics.median(call_s),
                    "call_wall_s": statistics.median(wall_s),
                    "decode_s": statistics.median(decode_s),
                    "calls": len(call_s),
                }
            )
    finally:
        await client.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--client", choices=sorted(CLIENTS), required=True)
    p.add_argument("--op", choices=OPS, required=True)
    p.add_argument("--items", required=True, help="comma list, e.g. 1,100,1000")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--min-calls", type=int, default=5)
    p.add_argument("--max-calls", type=int, default=200)
    p.add_argument("--min-seconds", type=float, default=1.0)
    a = p.parse_args(argv)
    sizes = [int(x) for x in a.items.split(",")]
    budget = Budget(a.min_calls, a.max_calls, a.min_seconds)
    out: dict[str, Any] = {"client": a.client, "op": a.op}
    try:
        client = CLIENTS[a.client](a.port, a.op)
        out["rows"] = asyncio.run(measure(client, a.port, a.op, sizes, budget))
    except ClientUnavailableError as exc:
        out["skip"] = str(exc)
    except Exception as exc:  # reported to the parent as JSON
        out.update(error=repr(exc), traceback=traceback.format_exc())
        print(json.dumps(out), flush=True)
        return 1
    out["python"] = sys.executable
    print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
