"""How many query workers to run and how much memory each may use, sized from the machine.

The rule (stated in docs/sparql.md, "How queries run"): all query workers of all web workers
together may use at most QUERY_MEMORY_FRACTION of the machine's memory (physical memory, or the
cgroup limit when lower). All web workers together run one more query worker than a client may
run queries at once (so one client never holds every worker), or more on machines with more
CPUs than that; they are divided among the web workers (rounded up). Each is a process of its
own (about 28 MB idle, 30 to 40 MB more once its RocksDB caches have filled): fewer of them is
most of what keeps the server's memory small, so the pool starts one and starts the others when
queries find none free, and stops those idle for `sparql_worker_idle_timeout`
(chava.sparql.pool). Each worker gets an equal share of the budget, at most MAX_WORKER_MB;
when a share would fall below MIN_WORKER_MB (what a worker needs to open the store and run a
modest query), there are fewer workers, down to one per web worker, which then gets
MIN_WORKER_MB even if that exceeds the fraction (a machine below about 2 x web_workers GB).
`sparql_workers` and `sparql_worker_memory_mb` override either number.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from chava.config import Settings

QUERY_MEMORY_FRACTION: Final = 0.5
MAX_WORKER_MB: Final = 2048
MIN_WORKER_MB: Final = 1024
CGROUP_MEMORY: Final = Path("/sys/fs/cgroup/memory.max")


@dataclass(frozen=True)
class Machine:
    """What the sizing rule reads of the machine."""

    cpus: int
    memory_mb: int

    @classmethod
    def detect(cls) -> Machine:
        """This machine: the CPUs this process may run on, its memory (or its cgroup's limit)."""
        cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        try:
            limit = CGROUP_MEMORY.read_text().strip()
        except OSError:
            limit = "max"
        if limit.isdigit():
            memory = min(memory, int(limit))
        return cls(max(1, cpus or 1), max(1, memory // (1024 * 1024)))


@dataclass(frozen=True)
class QuerySizing:
    """Query workers per web worker, and the address space of each in MB (0: unlimited)."""

    workers: int
    memory_mb: int


def size_query_workers(
    machine: Machine, *, web_workers: int, client_concurrency: int
) -> QuerySizing:
    """The default number and memory of query workers for *machine* (see the module's rule)."""
    web_workers = max(1, web_workers)
    budget = int(machine.memory_mb * QUERY_MEMORY_FRACTION)
    workers = math.ceil(max(client_concurrency + 1, machine.cpus) / web_workers)
    while workers > 1 and budget // (workers * web_workers) < MIN_WORKER_MB:
        workers -= 1
    share = budget // (workers * web_workers)
    return QuerySizing(workers, max(MIN_WORKER_MB, min(MAX_WORKER_MB, share)))


def query_sizing(settings: Settings, machine: Machine | None = None) -> QuerySizing:
    """The sizing in force: the settings where given, else the rule applied to *machine*."""
    machine = machine or Machine.detect()
    web_workers = max(1, settings.web_workers)
    rule = size_query_workers(
        machine, web_workers=web_workers, client_concurrency=settings.sparql_client_concurrency
    )
    workers = settings.sparql_workers if settings.sparql_workers is not None else rule.workers
    if settings.sparql_worker_memory_mb is not None:
        return QuerySizing(workers, settings.sparql_worker_memory_mb)
    share = int(machine.memory_mb * QUERY_MEMORY_FRACTION) // (max(1, workers) * web_workers)
    return QuerySizing(workers, max(MIN_WORKER_MB, min(MAX_WORKER_MB, share)))
