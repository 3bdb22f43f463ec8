"""The hostile-server table at full size, with the clients' default limits (run by hand).

``python -m tests.hostile.table`` prints one Markdown row per case: outcome,
exception, seconds and peak RSS, each case in a fresh process. It takes a few
minutes and up to a few hundred MB; CI runs the same rows with small caps
(``test_memory.py``).
"""

from __future__ import annotations

from julep.server.local import LocalServer

from .server import HostileServer
from .test_memory import run_child

ROWS = [
    ("a 1 GB body", "body-1073741824", ()),
    ("the same with Content-Length", "sized-1073741824", ()),
    ("1 MB of gzip that inflates to 1 GB", "gzip-1073741824", ()),
    ("10 MB of gzip that inflates to 10 GB", "gzip-10737418240", ()),
    ("SSE chunks without end", "sse_endless", ()),
    ("SSE data: lines that never end an event", "sse_noblank", ()),
    ("one SSE line that never ends", "sse_longline", ()),
    ("a ~600 KB streamed reply from julep serve", "echo-600000", ()),
    ("a ~1 MB streamed reply from julep serve", "echo-1000000", ()),
    ("invalid UTF-8 in an SSE line", "sse_utf8", ()),
    ("Retry-After: 99999999999999999999, Timeout.NONE", "retry-0", ("--max-retries", "2")),
    ("retry-after-ms: inf, Timeout.NONE", "retry-1", ("--max-retries", "2")),
    ("retry-after-ms: nan, Timeout.NONE", "retry-2", ("--max-retries", "2")),
    ("a 50 MB body on a 500", "error-52428800", ()),
    ("a 1 MB header line", "header-1048576", ()),
]


def main() -> None:
    print("| server sends | outcome | exception | seconds | peak RSS (baseline) |")
    print("|---|---|---|---|---|")
    with HostileServer() as hostile, LocalServer() as local:
        for label, case, args in ROWS:
            base_url = local.base_url if case.startswith("echo-") else hostile.base_url
            report = run_child(base_url, case, *args, timeout=600)
            error = (report["error"] or "").rpartition(".")[2]
            outcome = _outcome(report)
            print(
                f"| {label} | {outcome} | {error or '-'} | {report['seconds']} "
                f"| {report['peak_mib']:.0f} MB ({report['baseline_mib']:.0f}) |"
            )


def _outcome(report: dict[str, object]) -> str:
    if report["error"] is None:
        return f"ok, {report['reply_chars']} chars"
    details = [f"str {report['message_chars']} chars"]
    if report.get("body_chars"):
        details.append(f"body {report['body_chars']} chars")
    if report.get("retry_after") is not None:
        details.append(f"retry_after={report['retry_after']}")
    if report.get("partial_text_chars"):
        details.append(f"partial_text {report['partial_text_chars']} chars")
    return ", ".join(details)


if __name__ == "__main__":
    main()
