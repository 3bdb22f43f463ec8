"""Load over several processes: shares, one schedule, and histograms that add up exactly."""

from __future__ import annotations

import pytest

from julep.bench.config import BenchConfig, Shard, Target
from julep.bench.histogram import Histogram
from julep.bench.parallel import run_parallel
from julep.bench.stats import Progress, merged
from julep.client import JulepApi
from julep.server import LocalServer

from .conftest import API_KEY, Bench


def config(**changes: object) -> BenchConfig:
    settings: dict[str, object] = {
        "base_url": None,
        "concurrency": 4,
        "duration": None,
        "requests": 50,
        "rate": None,
        "stream": False,
        "processes": 2,
        "record": False,
        "remember": False,
        "timeout": 30.0,
        "max_retries": 0,
    }
    settings.update(changes)
    return BenchConfig(**settings)  # type: ignore[arg-type]


@pytest.mark.parametrize("processes", [1, 2, 3, 7])
def test_shares_cover_the_load_exactly_once(processes: int) -> None:
    closed = config(requests=50, concurrency=7, processes=processes)
    shards = [Shard(closed, Target("u", "k", "s"), index) for index in range(processes)]
    assert sum(shard.requests or 0 for shard in shards) == 50
    assert sum(shard.concurrency for shard in shards) == 7
    opened = config(requests=None, duration=2.0, rate=50.0, concurrency=7, processes=processes)
    shards = [Shard(opened, Target("u", "k", "s"), index) for index in range(processes)]
    arrivals = sorted(arrival for shard in shards for arrival in shard.schedule())
    assert arrivals == list(range(100))


def test_histograms_of_two_processes_merge_into_their_sum(server: LocalServer) -> None:
    with JulepApi(api_key=API_KEY, base_url=server.base_url) as client:
        agent_id = client.create_agent(name="parallel").id
        session_id = client.create_session(agent_id=agent_id).id
        seen: list[Progress] = []
        parts = run_parallel(
            config(requests=50, concurrency=4, processes=2),
            Target(server.base_url, API_KEY, session_id),
            lambda: False,
            lambda _elapsed, progress: seen.append(progress),
        )
        client.delete_agent(agent_id)
    assert [part.requests for part in parts] == [25, 25]
    assert [part.failures for part in parts] == [0, 0]
    total = merged(parts)
    assert total.requests == total.latency.total == 50
    expected = Histogram()
    for part in parts:
        for index, count in part.latency.counts.items():
            expected.counts[index] = expected.counts.get(index, 0) + count
    assert total.latency.counts == expected.counts
    assert total.latency.sum_us == sum(part.latency.sum_us for part in parts)
    assert total.latency.max_us == max(part.latency.max_us for part in parts)
    assert total.latency.min_us == min(part.latency.min_us for part in parts)
    assert all(progress.requests <= 50 for progress in seen)


def test_open_loop_over_two_processes_keeps_the_global_count(bench: Bench) -> None:
    result = bench("--rate", "100", "--duration", "1s", "--concurrency", "32", "--processes", "2")
    counts, loop = result["counts"], result["open_loop"]
    # Every arrival of the global schedule is sent or, if all its process's slots
    # were busy when it was due (a slow machine), dropped and counted.
    assert loop["sent"] + loop["dropped"] == 100
    assert counts["requests"] == loop["sent"]
    assert [part["requests"] + part["dropped"] for part in result["processes"]] == [50, 50]
    assert result["histograms"]["latency"]["total"] == counts["successes"]
    assert counts["requests"] == counts["successes"] + counts["errors"]
