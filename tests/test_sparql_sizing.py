"""Query workers sized from the machine: the rule of chava.sparql.sizing, as a table."""

from __future__ import annotations

import dataclasses

import pytest

from chava.config import Settings
from chava.sparql.sizing import (
    MIN_WORKER_MB,
    QUERY_MEMORY_FRACTION,
    Machine,
    QuerySizing,
    query_sizing,
    size_query_workers,
)


@pytest.mark.parametrize(
    ("cpus", "memory_mb", "web_workers", "concurrency", "expected"),
    [
        (2, 24_105, 2, 2, QuerySizing(2, 2048)),  # this machine: 3 needed, 2 per web worker
        (2, 8_192, 2, 2, QuerySizing(2, 1024)),
        (2, 4_096, 2, 2, QuerySizing(1, 1024)),
        (1, 1_024, 1, 2, QuerySizing(1, 1024)),  # below the floor: one worker, over the fraction
        (8, 8_192, 2, 2, QuerySizing(2, 1024)),  # 4 per web worker would get 512 MB
        (16, 65_536, 2, 2, QuerySizing(8, 2048)),  # more CPUs: more workers, each capped at 2 GB
        (64, 131_072, 4, 2, QuerySizing(16, 1024)),
        (4, 16_384, 1, 2, QuerySizing(4, 2048)),
        (2, 32_768, 2, 5, QuerySizing(3, 2048)),  # one more than a client's concurrency
    ],
)
def test_the_sizing_rule(
    cpus: int, memory_mb: int, web_workers: int, concurrency: int, expected: QuerySizing
) -> None:
    sizing = size_query_workers(
        Machine(cpus, memory_mb), web_workers=web_workers, client_concurrency=concurrency
    )
    assert sizing == expected
    total = sizing.workers * web_workers * sizing.memory_mb
    if sizing.workers > 1 or total <= memory_mb * QUERY_MEMORY_FRACTION:
        assert total <= memory_mb * QUERY_MEMORY_FRACTION
    else:  # the one exception: a single worker per web worker gets the floor
        assert sizing.memory_mb == MIN_WORKER_MB


def test_settings_override_the_rule() -> None:
    machine = Machine(2, 24_105)
    defaults = Settings()  # one web worker
    assert query_sizing(defaults, machine) == QuerySizing(3, 2048)
    fixed = dataclasses.replace(defaults, sparql_workers=4)
    assert query_sizing(fixed, machine) == QuerySizing(4, 2048)  # an equal share, capped
    unlimited = dataclasses.replace(defaults, sparql_worker_memory_mb=0)
    assert query_sizing(unlimited, machine) == QuerySizing(3, 0)
    two_web_workers = dataclasses.replace(defaults, web_workers=2)
    assert query_sizing(two_web_workers, machine) == QuerySizing(2, 2048)


def test_the_machine_is_read() -> None:
    machine = Machine.detect()
    assert machine.cpus >= 1
    assert machine.memory_mb > 256
