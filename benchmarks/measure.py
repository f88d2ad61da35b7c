"""The measuring loops: latency of descriptions and queries, throughput under wrk."""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable
from dataclasses import dataclass

from benchmarks import loadgen
from benchmarks.client import Client, Sample
from benchmarks.report import Cell, Table
from benchmarks.systems import Request, System
from benchmarks.workloads import LOOKUP_QUERY, Query, rotations

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """How hard and how long to measure."""

    repeats: int = 5
    throughput_repeats: int = 2
    duration: float = 10.0
    connections: int = 8
    max_requests: int = 200_000
    timeout: float = 60.0
    item_budget: float = 20.0
    """Stop repeating an item on a system once it has taken this many seconds in total."""


@dataclass
class Running:
    """A started system: its client and the endpoints found missing."""

    system: System
    port: int
    client: Client
    missing: dict[str, str]
    """Capability (describe, sparql) -> why it is unavailable."""


RequestFor = Callable[[System, str, str], Request | None]
"""(system, row, item) -> the request, or None when the system does not offer it."""


def latency_table(
    title: str,
    running: dict[str, Running],
    rows: dict[str, list[str]],
    request_for: RequestFor,
    *,
    capability: str,
    options: Options,
) -> Table:
    """Time every item of every row on every system, interleaving systems and repeats.

    *rows* maps a row name to its items; *request_for(system, row, item)* gives the request
    (None: the system does not offer it). A row's cell pools all its items' samples.
    """
    table = Table(title, "latency", list(running))
    samples: dict[tuple[str, str], list[float]] = {}
    cold: dict[tuple[str, str], list[float]] = {}
    errors: dict[tuple[str, str], int] = {}
    spent: dict[tuple[str, str, str], float] = {}
    for repeat, order in rotations(list(running), options.repeats):
        for name in order:
            state = running[name]
            if capability in state.missing:
                continue
            for row, items in rows.items():
                for item in items:
                    request = request_for(state.system, row, item)
                    key = (row, name)
                    if request is None:
                        continue
                    if spent.get((row, name, item), 0.0) > options.item_budget:
                        continue
                    sample = state.client.get(request)
                    spent[(row, name, item)] = spent.get((row, name, item), 0.0) + sample.seconds
                    _record(sample, key, samples, errors)
                    if repeat == 0 and sample.ok:
                        cold.setdefault(key, []).append(sample.seconds)
    for row in rows:
        table.rows[row] = {}
        for name, state in running.items():
            key = (row, name)
            if capability in state.missing:
                table.rows[row][name] = Cell.missing(state.missing[capability])
            elif key not in samples and key not in errors:
                table.rows[row][name] = Cell.missing("n/a (not offered)")
            else:
                table.rows[row][name] = Cell.from_latencies(
                    samples.get(key, []), cold=cold.get(key, []), errors=errors.get(key, 0)
                )
    return table


def query_table(running: dict[str, Running], queries: list[Query], options: Options) -> Table:
    """The query mix: each query on every system."""
    by_name = {query.name: query for query in queries}
    table = latency_table(
        "SPARQL query mix (latency)",
        running,
        {query.name: [query.name] for query in queries},
        lambda system, name, _item: system.query(by_name[name].text, by_name[name].media),
        capability="sparql",
        options=options,
    )
    table.notes.extend(f"{query.name}: {query.comment}" for query in queries)
    return table


def throughput_table(
    running: dict[str, Running],
    *,
    one_iri: str,
    varied_iris: list[str],
    options: Options,
) -> Table:
    """Requests per second with N connections: one resource, one SELECT, then varied ones."""
    table = Table(
        f"Throughput, {options.connections} connections (wrk)", "throughput", list(running)
    )
    workloads: dict[str, tuple[str, list[str]]] = {
        "resource (Turtle), same IRI": ("describe", [one_iri]),
        "small SELECT, same IRI": ("sparql", [one_iri]),
        f"resource (Turtle), {len(varied_iris)} different IRIs": ("describe", varied_iris),
        f"small SELECT, {len(varied_iris)} different IRIs": ("sparql", varied_iris),
    }
    results: dict[tuple[str, str], list[loadgen.LoadResult]] = {}
    for _repeat, order in rotations(list(running), options.throughput_repeats):
        for row, (capability, iris) in workloads.items():
            for name in order:
                state = running[name]
                if capability in state.missing:
                    continue
                requests = _requests(state.system, capability, iris)
                if not requests:
                    continue
                # Varied loads stop once every IRI was asked once: no request repeats.
                limit = len(iris) if len(iris) > 1 else options.max_requests
                result = loadgen.run_wrk(
                    state.port,
                    requests,
                    connections=options.connections,
                    seconds=options.duration,
                    max_requests=min(limit, options.max_requests),
                )
                results.setdefault((row, name), []).append(result)
    for row, (capability, _iris) in workloads.items():
        table.rows[row] = {}
        for name, state in running.items():
            runs = results.get((row, name))
            if capability in state.missing:
                table.rows[row][name] = Cell.missing(state.missing[capability])
            elif not runs:
                table.rows[row][name] = Cell.missing("n/a (not offered)")
            else:
                table.rows[row][name] = Cell(
                    median_ms=statistics.median(run.p50_ms for run in runs),
                    p99_ms=statistics.median(run.p99_ms for run in runs),
                    requests_per_second=statistics.median(run.requests_per_second for run in runs),
                    samples=sum(run.requests for run in runs),
                    errors=sum(run.errors for run in runs),
                    note=" ".join(f"HTTP {run.statuses}" for run in runs if run.statuses),
                )
    return table


def _requests(system: System, capability: str, iris: list[str]) -> list[Request]:
    requests: list[Request] = []
    for iri in iris:
        if capability == "describe":
            request = system.describe(iri, "turtle")
        else:
            request = system.query(LOOKUP_QUERY.replace("%IRI%", iri), "json")
        if request is not None:
            requests.append(request)
    return requests


def _record(
    sample: Sample,
    key: tuple[str, str],
    samples: dict[tuple[str, str], list[float]],
    errors: dict[tuple[str, str], int],
) -> None:
    if sample.ok:
        samples.setdefault(key, []).append(sample.seconds)
    else:
        errors[key] = errors.get(key, 0) + 1
        logger.info("%s: %s %s", key, sample.status, sample.error or "")
