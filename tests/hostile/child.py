"""One call against a hostile server, in a fresh process; prints its outcome and peak RSS.

Run as ``python tests/hostile/child.py BASE_URL CASE [--sync] [--max-response-bytes N]
[--max-event-bytes N]``; the last line of output is a JSON object. ``CASE`` is a
behaviour of ``server.py`` (``sse_*`` ones are streamed chats) or ``echo-N``: a
legitimate streamed reply of about N bytes from ``python -m julep serve``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time
import typing

import julep

# julep imports its parts on first use: load the clients (and aiohttp) now, so
# the baseline taken before a case already includes them.
_CLIENTS = (julep.AsyncJulepApi, julep.JulepApi)
MESSAGES = [{"role": "user", "content": "hi"}]


def _peak_mib() -> float:
    """This process's peak RSS. VmHWM starts afresh at exec; ru_maxrss may carry
    the size of the process that forked this one, hiding a smaller peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _echo_message(size: int) -> str:
    # Long words: one stream event per word, so a 1 MB reply is ~1,000 events.
    return " ".join(["w" * 999] * max(size // 1000, 1))


async def _call_async(client: julep.AsyncJulepApi, case: str) -> int:
    if case.startswith("echo-"):
        agent = await client.create_agent(name="echo")
        session = await client.create_session(agent_id=agent.id)
        text = _echo_message(int(case.partition("-")[2]))
        stream = client.chat_stream(
            session.id, messages=[{"role": "user", "content": text}], max_tokens=16384
        )
        reply = await stream.until_done()
        return len(typing.cast(str, reply.response[0][0].content))
    if case.startswith("sse_"):
        await client.chat_stream(case, messages=MESSAGES).until_done()
        return 0
    await client.get_agent(case)
    return 0


def _call_sync(client: julep.JulepApi, case: str) -> int:
    if case.startswith("echo-"):
        agent = client.create_agent(name="echo")
        session = client.create_session(agent_id=agent.id)
        text = _echo_message(int(case.partition("-")[2]))
        stream = client.chat_stream(
            session.id, messages=[{"role": "user", "content": text}], max_tokens=16384
        )
        reply = stream.until_done()
        return len(typing.cast(str, reply.response[0][0].content))
    if case.startswith("sse_"):
        client.chat_stream(case, messages=MESSAGES).until_done()
        return 0
    client.get_agent(case)
    return 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("case")
    parser.add_argument("--sync", action="store_true")
    parser.add_argument("--max-response-bytes", type=int, default=100 * 1024 * 1024)
    parser.add_argument("--max-event-bytes", type=int, default=16 * 1024 * 1024)
    parser.add_argument("--max-retries", type=int, default=0)
    args = parser.parse_args()
    options: dict[str, typing.Any] = {
        "base_url": args.base_url,
        "api_key": "k",
        "timeout": julep.Timeout.NONE,
        "max_retries": args.max_retries,
        "max_response_bytes": args.max_response_bytes,
        "max_event_bytes": args.max_event_bytes,
    }
    baseline = _peak_mib()
    started = time.monotonic()
    report: dict[str, typing.Any] = {"outcome": "ok", "error": None, "reply_chars": 0}
    try:
        if args.sync:
            with julep.JulepApi(**options) as sync_client:
                report["reply_chars"] = _call_sync(sync_client, args.case)
        else:

            async def run() -> int:
                async with julep.AsyncJulepApi(**options) as client:
                    return await _call_async(client, args.case)

            report["reply_chars"] = asyncio.run(run())
    except BaseException as exc:  # the report says what escaped, whatever it is
        report["outcome"] = "error"
        report["error"] = f"{type(exc).__module__}.{type(exc).__qualname__}"
        report["message_chars"] = len(str(exc))
        report["message"] = str(exc)[:300]
        body = getattr(exc, "body", None)
        report["body_chars"] = len(body) if isinstance(body, (str, bytes)) else None
        report["retry_after"] = getattr(exc, "retry_after", None)
        report["partial_text_chars"] = len(getattr(exc, "partial_text", "") or "")
    report["seconds"] = round(time.monotonic() - started, 2)
    report["baseline_mib"] = round(baseline, 1)
    report["peak_mib"] = round(_peak_mib(), 1)
    print(json.dumps(report))


if __name__ == "__main__":
    main()
