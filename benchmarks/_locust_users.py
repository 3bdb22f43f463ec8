"""The two Locust users compared by ``locust_overhead.py``: the same chat, two clients.

``SdkChat`` calls ``self.client.chat`` of ``JulepUser`` (the SDK: request built,
reply decoded into a typed ``ChatResponse``); ``RawChat`` is Locust's own
``FastHttpUser`` posting the same bytes by hand and parsing the JSON reply
(``RawChat``, through its ``rest`` helper) or not reading it at all
(``RawPost``, the floor). None waits between requests.
"""

from __future__ import annotations

import json
import os
import time
import typing

import _payloads
from locust import FastHttpUser, constant, events, task
from locust.env import Environment

from julep.locust import JulepUser

_API_KEY = "bench-key"
_CPU_AT_START: list[float] = []


@events.test_start.add_listener
def _note_cpu(**_: typing.Any) -> None:
    _CPU_AT_START.append(time.process_time())


@events.test_stop.add_listener
def _write_result(environment: Environment, **_: typing.Any) -> None:
    # For locust_overhead.py: the CPU seconds of the whole process (every
    # thread) while the load ran, what a worker spends per request when CPU is
    # its limit, and the request counts as Locust's own summary gives them.
    path = os.environ.get("JULEP_BENCH_RESULT_FILE")
    if not path or not _CPU_AT_START:
        return
    total = environment.stats.total
    result = {
        "cpu_s": time.process_time() - _CPU_AT_START[0],
        "requests": total.num_requests,
        "failures": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5) if total.num_requests else None,
        "p99_ms": total.get_response_time_percentile(0.99) if total.num_requests else None,
    }
    with open(path, "w") as out:
        json.dump(result, out)


_MESSAGES = _payloads.REQUEST_OBJ["messages"]


class SdkChat(JulepUser):
    wait_time = constant(0)
    api_key = _API_KEY

    @task
    def chat(self) -> None:
        self.client.chat(_payloads.SESSION_ID, messages=_MESSAGES, temperature=0.7, max_tokens=200)


class RawChat(FastHttpUser):
    wait_time = constant(0)

    @task
    def chat(self) -> None:
        with self.rest(
            "POST",
            f"/sessions/{_payloads.SESSION_ID}/chat",
            data=_payloads.REQUEST_BODY,
            headers={"Authorization": f"Bearer {_API_KEY}", "Content-Type": "application/json"},
            name="chat",
        ) as response:
            if response.js is None:
                response.failure("no JSON body")


class RawPost(FastHttpUser):
    wait_time = constant(0)

    @task
    def chat(self) -> None:
        self.client.post(
            f"/sessions/{_payloads.SESSION_ID}/chat",
            data=_payloads.REQUEST_BODY,
            headers={"Authorization": f"Bearer {_API_KEY}", "Content-Type": "application/json"},
            name="chat",
        )
