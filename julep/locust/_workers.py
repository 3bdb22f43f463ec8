"""Requests per worker: Locust's CSV merges all workers, this keeps them apart.

Each worker counts its requests by operation and sends the counts with its
regular report to the master; the master writes ``<--csv prefix>_workers.csv``
(worker, type, name, requests, failures) when it quits. Loaded with
``julep.locust``; it does nothing in a single-process run without ``--csv``.
"""

from __future__ import annotations

import collections
import csv
import typing

_KEY = "julep_requests"

Counts = collections.Counter[tuple[str, str, bool]]  # (type, name, failed) -> requests


def install(environment: typing.Any, **_: typing.Any) -> None:
    """Hook the counting into one Locust environment (an ``init`` listener)."""
    events = environment.events
    mine: Counts = collections.Counter()
    by_worker: dict[str, Counts] = collections.defaultdict(collections.Counter)

    def on_request(request_type: str, name: str, exception: object = None, **_: object) -> None:
        mine[(request_type, name, exception is not None)] += 1

    def on_report(client_id: str, data: dict[str, typing.Any]) -> None:
        data[_KEY] = [[*key, count] for key, count in mine.items()]
        mine.clear()

    def on_worker_report(client_id: str, data: dict[str, typing.Any]) -> None:
        for request_type, name, failed, count in data.get(_KEY, ()):
            by_worker[client_id][(request_type, name, bool(failed))] += count

    def on_quitting(environment: typing.Any, **_: object) -> None:
        prefix = getattr(environment.parsed_options, "csv_prefix", None)
        if prefix and by_worker:
            write(f"{prefix}_workers.csv", by_worker)

    events.request.add_listener(on_request)
    events.report_to_master.add_listener(on_report)
    events.worker_report.add_listener(on_worker_report)
    events.quitting.add_listener(on_quitting)


def write(path: str, by_worker: dict[str, Counts]) -> None:
    """One row per worker and operation: requests and failures."""
    rows: dict[tuple[str, str, str], list[int]] = {}
    for worker, counts in by_worker.items():
        for (request_type, name, failed), count in counts.items():
            row = rows.setdefault((worker, request_type, name), [0, 0])
            row[0] += count
            row[1] += count if failed else 0
    with open(path, "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["Worker", "Type", "Name", "Request Count", "Failure Count"])
        for (worker, request_type, name), (requests, failures) in sorted(rows.items()):
            writer.writerow([worker, request_type, name, requests, failures])
