"""An int of more than 4,300 digits (sys.get_int_max_str_digits()) where an id, a
str, a bool, a page size or a timeout goes raises "ValueError: Exceeds the limit
(4300 digits) for integer string conversion ..." from building the error message
(f"... got {value!r}"): the argument is not named, and it is a ValueError where
the same call with 5 gives "TypeError: agent_id must be a str, got int: 5". The
same happens for an object whose __repr__ raises (its exception escapes instead).
README: "Bad arguments raise TypeError or ValueError naming the argument".
"""
from __future__ import annotations

import sys

from julep import JulepApi, Timeout

HUGE = 10**5000
bad = 0
with JulepApi(api_key="sk-repro-0123456", base_url="http://127.0.0.1:9/api", max_retries=0) as client:
    calls = {
        "get_agent(HUGE)": (TypeError, "agent_id", lambda: client.get_agent(HUGE)),
        "create_agent(name=HUGE)": (TypeError, "name", lambda: client.create_agent(name=HUGE)),
        "list_agents(limit=-HUGE)": (ValueError, "limit", lambda: client.list_agents(limit=-HUGE)),
        "chat(stream=HUGE)": (TypeError, "stream", lambda: client.chat("s", messages=[{"role": "user", "content": "x"}], stream=HUGE)),
        "iter_agents(page_size=HUGE)": (ValueError, "page_size", lambda: list(client.iter_agents(page_size=HUGE))),
        "wait_for_job(timeout=HUGE)": (ValueError, "timeout", lambda: client.wait_for_job("j", timeout=HUGE)),
        "list_agents(sort_by=HUGE)": (ValueError, "sort_by", lambda: client.list_agents(sort_by=HUGE)),
        "Timeout(total=HUGE)": (ValueError, "Timeout.total", lambda: Timeout(total=HUGE)),
    }
    for label, (expected, name, call) in calls.items():
        try:
            call()
            message, kind = "no error", None
        except Exception as exc:  # noqa: BLE001
            message, kind = str(exc), type(exc)
        ok = kind is not None and issubclass(kind, expected) and message.startswith(name)
        ok = ok and "Exceeds the limit" not in message
        bad += not ok
        print("ok " if ok else "BAD", label, "->", getattr(kind, "__name__", kind), message[:110])
sys.exit(1 if bad else 0)
