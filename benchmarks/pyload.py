"""A fallback load generator for machines without wrk: one process per connection.

Each process keeps one HTTP/1.1 keep-alive connection and sends its share of the requests
(paths i, i+N, ... for process i, so a varied load never repeats a path) until the deadline
or its share of the request count. Python processes compete with the server for the CPU, so
the throughput table says which generator measured it: prefer wrk.
"""

from __future__ import annotations

import math
import multiprocessing
import time
from collections import Counter

from benchmarks.client import Client
from benchmarks.loadgen import LoadResult
from benchmarks.systems import Request


def run_python(
    port: int,
    requests: list[Request],
    *,
    connections: int,
    seconds: float,
    max_requests: int,
) -> LoadResult:
    """Run *connections* client processes against 127.0.0.1:*port*; bounded in time and count."""
    share = max(1, max_requests // connections) if max_requests else 0
    jobs = [
        (port, requests[index::connections] or requests, seconds, share)
        for index in range(connections)
    ]
    context = multiprocessing.get_context("spawn")
    started = time.perf_counter()
    with context.Pool(connections) as pool:
        outcomes = pool.starmap(_client, jobs)
    elapsed = max((outcome[2] for outcome in outcomes), default=time.perf_counter() - started)
    latencies = sorted(latency for outcome in outcomes for latency in outcome[0])
    statuses: Counter[str] = Counter()
    for outcome in outcomes:
        statuses.update(outcome[1])
    count = len(latencies) + sum(statuses.values())
    return LoadResult(
        requests=count,
        seconds=elapsed,
        requests_per_second=count / elapsed if elapsed else 0.0,
        p50_ms=_rank(latencies, 0.50) * 1000,
        p99_ms=_rank(latencies, 0.99) * 1000,
        errors=sum(statuses.values()),
        statuses=",".join(f"{status}:{count}" for status, count in sorted(statuses.items())),
    )


def _client(
    port: int, requests: list[Request], seconds: float, limit: int
) -> tuple[list[float], dict[str, int], float]:
    client = Client(port, timeout=30.0)
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    started = time.perf_counter()
    deadline = started + seconds
    position = 0
    while time.perf_counter() < deadline and (not limit or position < limit):
        sample = client.get(requests[position % len(requests)])
        position += 1
        if sample.ok:
            latencies.append(sample.seconds)
        else:
            errors[str(sample.status or sample.error)] += 1
    client.close()
    return latencies, dict(errors), time.perf_counter() - started


def _rank(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]
