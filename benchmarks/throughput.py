"""Throughput under wrk: one resource, one small SELECT, and cache-defeating varied loads."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from benchmarks import loadgen, pyload
from benchmarks.measure import Options, Running, settle
from benchmarks.report import Cell, Table
from benchmarks.systems import Request, System
from benchmarks.workloads import LOOKUP_QUERY, rotations


def varied_slices(
    pool: list[str], per_run: int, *, repeats: int, sets: int
) -> tuple[list[list[str]], list[list[str]]]:
    """The IRIs of each varied run: *repeats* slices of *per_run* IRIs of *pool* (fewer when the
    pool is short), then as many more for the runs from several addresses when *sets* is 2."""
    repeats = max(1, repeats)
    per_run = max(1, min(per_run, len(pool) // (repeats * sets)))
    slices = [pool[start : start + per_run] for start in range(0, per_run * repeats, per_run)]
    other_slices = [
        pool[start : start + per_run]
        for start in range(per_run * repeats, per_run * repeats * sets, per_run)
    ]
    return slices, other_slices


def throughput_table(
    running: dict[str, Running],
    *,
    one_iri: str,
    varied_pool: list[str],
    per_run: int,
    options: Options,
    generator: str = "wrk",
    sources: Mapping[str, str] | None = None,
    addresses: int = 8,
) -> Table:
    """Requests per second with N connections: one resource, one SELECT, then varied ones.

    A varied run asks each IRI of its own slice of *varied_pool* once (the run stops when
    the slice is done): repeats use other slices, so no cache has seen them. *generator* is
    "wrk" or "python" (`benchmarks/pyload.py`, for machines without wrk). With *sources* (the
    environment of benchmarks/sources.py) and wrk, the varied SELECTs run a second time from
    *addresses* client addresses, on slices of its own: the per-client limits of chava then do
    not bound the figure, and no cache has seen its IRIs.
    """
    title = f"Throughput, {options.connections} connections ({generator})"
    table = Table(title, "throughput", list(running))
    if generator == "python":
        table.notes.append(
            "measured with the Python fallback client (benchmarks/pyload.py), not wrk: its "
            "processes share the cores with the servers and skew the figures; install wrk"
        )
    run_load = loadgen.run_wrk if generator == "wrk" else pyload.run_python
    with_sources = sources is not None and generator == "wrk"
    # The run from several addresses asks IRIs of its own: the slices of the single-address
    # runs are in the servers' caches by then (all of them when no request was refused).
    sets = 2 if with_sources else 1
    slices, other_slices = varied_slices(
        varied_pool, per_run, repeats=options.throughput_repeats, sets=sets
    )
    per_run = max(1, len(slices[0]))  # cut to the pool's length
    varied_resource = f"resource (Turtle), {per_run} different IRIs per run"
    varied_select = f"small SELECT, {per_run} different IRIs per run"
    varied_sources = f"{varied_select}, {addresses} client addresses"
    results: dict[tuple[str, str], list[loadgen.LoadResult]] = {}
    skipped: dict[tuple[str, str], str] = {}
    for repeat, order in rotations(list(running), options.throughput_repeats):
        workloads: dict[str, tuple[str, list[str]]] = {
            "resource (Turtle), same IRI": ("describe", [one_iri]),
            "small SELECT, same IRI": ("sparql", [one_iri]),
            varied_resource: ("describe", slices[repeat]),
            varied_select: ("sparql", slices[repeat]),
        }
        if with_sources:
            workloads[varied_sources] = ("sparql", other_slices[repeat])
        for row, (capability, iris) in workloads.items():
            for name in order:
                state = running[name]
                if capability in state.missing:
                    continue
                requests = requests_for(state.system, capability, iris)
                if not requests or (row, name) in skipped:
                    continue
                probe = state.client.get(requests[0], timeout=options.timeout)
                if probe.seconds > options.slow or not probe.ok:
                    skipped[(row, name)] = (
                        f"skipped: one request takes {probe.seconds:.1f} s"
                        if probe.ok
                        else f"skipped: HTTP {probe.status} {probe.error or ''}".strip()
                    )
                    settle(state, options)
                    continue
                # Varied loads stop once every IRI was asked once: no request repeats.
                limit = len(iris) if len(iris) > 1 else options.max_requests
                arguments: dict[str, Any] = {
                    "connections": options.connections,
                    "seconds": options.duration,
                    "max_requests": min(limit, options.max_requests),
                }
                if row == varied_sources:
                    arguments["environment"] = sources
                result = run_load(state.port, requests, **arguments)
                results.setdefault((row, name), []).append(result)
                settle(state, options)
    rows = [
        ("resource (Turtle), same IRI", "describe"),
        ("small SELECT, same IRI", "sparql"),
        (varied_resource, "describe"),
        (varied_select, "sparql"),
    ]
    if with_sources:
        rows.append((varied_sources, "sparql"))
        table.notes.append(
            f"'{addresses} client addresses': wrk's connections bound to 127.0.0.1 to "
            f"127.0.0.{addresses} in turn (benchmarks/wrk/bind_source.c), so per-client limits "
            "count each address as a client"
        )
    for row, capability in rows:
        table.rows[row] = {}
        for name, state in running.items():
            runs = results.get((row, name))
            if capability in state.missing:
                table.rows[row][name] = Cell.missing(state.missing[capability])
            elif (row, name) in skipped:
                table.rows[row][name] = Cell.missing(skipped[(row, name)])
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


def requests_for(system: System, capability: str, iris: list[str]) -> list[Request]:
    """The requests of a row: *iris* described in Turtle, or each in the lookup SELECT."""
    requests: list[Request] = []
    for iri in iris:
        if capability == "describe":
            request = system.describe(iri, "turtle")
        else:
            request = system.query(LOOKUP_QUERY.replace("%IRI%", iri), "json")
        if request is not None:
            requests.append(request)
    return requests
