"""A str holding a lone surrogate (surrogateescape'd bytes from os.listdir, a
filename, a broken decode) in a body field raises TypeError "content: str cannot
be sent as JSON (str is not valid UTF-8: surrogates not allowed); is a field of
the wrong type?": the type is right (a str), the hint is wrong, and the class
differs from the same text in an id or a query ("ValueError: session_id cannot be
sent in a URL (surrogates not allowed)") and from julep 0.3.9 (UnicodeEncodeError,
a ValueError): `except ValueError` around 0.3.9 code misses it. A surrogate in a
metadata key is not named at all ("metadata: dict cannot be sent as JSON").
"""
from __future__ import annotations

import sys

from julep import InputChatMlMessage, JulepApi

bad = 0
with JulepApi(api_key="sk-repro-0123456", base_url="http://127.0.0.1:9/api", max_retries=0) as client:
    calls = {
        "chat content (dict)": lambda: client.chat("s", messages=[{"role": "user", "content": "a\udcff"}]),
        "chat content (model)": lambda: client.chat("s", messages=[InputChatMlMessage(role="user", content="a\udcff")]),
        "create_agent name": lambda: client.create_agent(name="a\udcff"),
        "metadata key": lambda: client.create_agent(name="a", metadata={"k\udcff": 1}),
        "session_id (for comparison)": lambda: client.chat("s\udcff", messages=[{"role": "user", "content": "x"}]),
    }
    for label, call in calls.items():
        try:
            call()
        except Exception as exc:  # noqa: BLE001
            ok = isinstance(exc, ValueError) and "wrong type" not in str(exc)
            if label == "metadata key":
                ok = ok and "metadata[" in str(exc)
            bad += not ok
            print("ok " if ok else "BAD", label, "->", type(exc).__name__, str(exc)[:150])
sys.exit(1 if bad else 0)
