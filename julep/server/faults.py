"""Fault injection, to test what clients do when the server misbehaves.

A spec such as ``"500=0.1,429=0.05,reset=0.05,delay=0.05:200ms"`` gives each
kind a probability per request:

- ``500`` and ``429`` answer at once, before the handler runs, so nothing is
  applied; a 429 carries ``Retry-After: 0`` and ``retry-after-ms: 20``.
- ``reset`` runs the handler (the work is applied) and then aborts the
  connection instead of sending the response: only idempotent retries stay safe.
- ``delay=P:D`` waits D (``200ms``, ``0.2s`` or plain milliseconds) before
  handling, independently of the other three.

``500``, ``429`` and ``reset`` exclude one another (one draw decides among
them, so their probabilities must add up to at most 1). With a seed the
sequence of faults is the same on every run for the same order of requests.
"""

from __future__ import annotations

import asyncio
import contextvars
import random
import re

import attrs
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .errors import error_response

KINDS = ("500", "429", "reset", "delay")
# Streaming handlers send the body themselves; they read this to know that
# they must abort instead of finishing the stream. (A context variable, set
# and reset around the handler, so it needs no aiohttp request storage.)
_RESET: contextvars.ContextVar[bool] = contextvars.ContextVar("julep_reset", default=False)


def reset_requested() -> bool:
    """Whether the current request is to end with an injected connection reset."""
    return _RESET.get()


_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(ms|s)?$")


def _probability(kind: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"faults: {kind} needs a probability, got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"faults: {kind} probability must be between 0 and 1, got {value}")
    return value


def _duration(text: str) -> float:
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"faults: delay needs a duration like 200ms or 0.2s, got {text!r}")
    number, unit = float(match.group(1)), match.group(2) or "ms"
    return number if unit == "s" else number / 1000.0


@attrs.define
class FaultPlan:
    """Parsed fault probabilities, a (seedable) random source and per-kind counts."""

    probabilities: dict[str, float]
    delay_seconds: float
    rng: random.Random
    counts: dict[str, int] = attrs.field(factory=lambda: dict.fromkeys(KINDS, 0))

    @classmethod
    def parse(cls, spec: str, *, seed: int | None = None) -> FaultPlan:
        probabilities = dict.fromkeys(KINDS, 0.0)
        delay_seconds = 0.0
        given: set[str] = set()
        for item in filter(None, (part.strip() for part in spec.split(","))):
            kind, sep, value = item.partition("=")
            kind = kind.strip()
            if not sep or kind not in KINDS:
                raise ValueError(
                    f"faults: expected KIND=PROBABILITY with KIND one of {', '.join(KINDS)}, "
                    f"got {item!r}"
                )
            if kind in given:
                # Which one was meant? Silently keeping the last would run another plan.
                raise ValueError(f"faults: {kind} is given twice in {spec!r}")
            given.add(kind)
            if kind == "delay":
                value, sep, duration = value.partition(":")
                if not sep:
                    raise ValueError(
                        f"faults: delay needs P:DURATION, e.g. 0.05:200ms, got {item!r}"
                    )
                delay_seconds = _duration(duration)
            probabilities[kind] = _probability(kind, value.strip())
        if probabilities["500"] + probabilities["429"] + probabilities["reset"] > 1.0:
            raise ValueError(
                "faults: the probabilities of 500, 429 and reset add up to more than 1"
            )
        return cls(probabilities, delay_seconds, random.Random(seed))

    def draw(self) -> tuple[str | None, bool]:
        """The fault for one request (``500``, ``429``, ``reset`` or None) and whether to delay."""
        roll = self.rng.random()
        kind: str | None = None
        for name in ("500", "429", "reset"):
            if roll < self.probabilities[name]:
                kind = name
                break
            roll -= self.probabilities[name]
        delay = self.rng.random() < self.probabilities["delay"]
        return kind, delay


def fault_middleware(plan: FaultPlan, *, exempt: frozenset[str]) -> Middleware:
    """A middleware injecting the faults of ``plan`` into every request but ``exempt`` paths."""

    @web.middleware
    async def inject_faults(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path in exempt:
            return await handler(request)
        kind, delay = plan.draw()
        if delay:
            plan.counts["delay"] += 1
            await asyncio.sleep(plan.delay_seconds)
        if kind == "500":
            plan.counts["500"] += 1
            return error_response(500, "Injected fault: internal server error")
        if kind == "429":
            plan.counts["429"] += 1
            return error_response(
                429,
                "Injected fault: too many requests",
                headers={"Retry-After": "0", "retry-after-ms": "20"},
            )
        if kind != "reset":
            return await handler(request)
        token = _RESET.set(True)
        try:
            response = await handler(request)
        finally:
            _RESET.reset(token)
        plan.counts["reset"] += 1
        if request.transport is not None:
            request.transport.abort()
        return response

    return inject_faults
