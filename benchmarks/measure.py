"""Latency measurements: resource descriptions, the query mix and the JSON-LD API, interleaved."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from benchmarks.client import Client, Sample
from benchmarks.report import Cell, Table
from benchmarks.systems import Request, System
from benchmarks.workloads import Query, rotations

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """How hard and how long to measure."""

    repeats: int = 5
    throughput_repeats: int = 2
    duration: float = 10.0
    connections: int = 8
    max_requests: int = 200_000
    timeout: float = 30.0
    """Seconds a single request may take."""
    row_budget: float = 10.0
    """Stop measuring a row on a system once it has taken this many seconds in total."""
    slow: float = 1.0
    """Skip a throughput run when one request alone takes longer than this (seconds)."""
    settle_timeout: float = 300.0


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
    spent: dict[tuple[str, str], float] = {}
    timed_out: set[tuple[str, str]] = set()
    warm_ups = itertools.count(1)
    for repeat, order in rotations(list(running), options.repeats):
        for name in order:
            state = running[name]
            if capability in state.missing:
                continue
            wake(state, next(warm_ups))
            for row, items in rows.items():
                key = (row, name)
                for item in items:
                    # Bounded: a row stops on a system after a timeout or past its budget.
                    if key in timed_out or spent.get(key, 0.0) > options.row_budget:
                        break
                    request = request_for(state.system, row, item)
                    if request is None:
                        continue
                    sample = state.client.get(request)
                    spent[key] = spent.get(key, 0.0) + sample.seconds
                    _record(sample, key, samples, errors)
                    if sample.error == "timeout":
                        timed_out.add(key)
                        settle(state, options)
                    elif repeat == 0 and sample.ok:
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
                cell = Cell.from_latencies(
                    samples.get(key, []), cold=cold.get(key, []), errors=errors.get(key, 0)
                )
                if key in timed_out:
                    cell.note = f"stopped after a request over the {options.timeout:.0f} s timeout"
                table.rows[row][name] = cell
    return table


WAKE_UP_REQUESTS: Final = 10


def wake(state: Running, number: int) -> None:
    """Send untimed queries before a system's turn, each a new text, so no cache answers them.

    A server that sat idle while the other systems ran answers its next requests several times
    slower on this kind of machine (2 virtual cores): after 0.4 s idle, an empty WSGI app under
    granian answers in 1.3 ms, then 0.5-0.6 ms for the next ten requests, against 0.16 ms when
    busy; the Oxigraph server a lookup in 1.3 ms instead of 0.3 ms. The first rows of each turn
    would be charged for the CPU waking up rather than for the server's work.
    """
    for index in range(WAKE_UP_REQUESTS):
        request = state.system.query(f"ASK {{ }}\n# wake-up {number}.{index}\n", "json")
        if request is None:
            return
        state.client.get(request)


def settle(state: Running, options: Options) -> None:
    """Wait until a server that may still be working on abandoned requests answers again.

    rdflib-endpoint runs queries in its event loop: a request the client gave up on still
    holds the server, and would be charged to the next measurement.
    """
    state.client.close()
    state.client.get(state.system.ready_request(), timeout=options.settle_timeout)


QUERY_TITLE: Final = "SPARQL query mix (latency)"
UNCACHED_TITLE: Final = "SPARQL query mix, uncached (latency, a new query text per request)"


def query_table(
    running: dict[str, Running], queries: list[Query], options: Options, *, uncached: bool = False
) -> Table:
    """The query mix: each query on every system, repeated identically or (*uncached*) not.

    Uncached, each request ends with its own comment line (`# request N`): a text never sent
    before, so chava's per-build result caches miss and every answer is computed by the engine;
    the peers get the same texts. Latencies then compare engines plus each server's own work.
    """
    by_name = {query.name: query for query in queries}
    counter = itertools.count(1)

    def request(system: System, name: str, _item: str) -> Request | None:
        query = by_name[name]
        text = f"{query.text.rstrip()}\n# request {next(counter)}\n" if uncached else query.text
        return system.query(text, query.media)

    table = latency_table(
        UNCACHED_TITLE if uncached else QUERY_TITLE,
        running,
        {query.name: [query.name] for query in queries},
        request,
        capability="sparql",
        options=options,
    )
    if uncached:
        table.notes.append(
            "every request is a new query text (a trailing `# request N` comment): chava's "
            "result caches never answer, so this is the engine plus each server's own overhead"
        )
    else:
        table.notes.extend(f"{query.name}: {query.comment}" for query in queries)
    return table


def api_table(
    running: dict[str, Running], *, tools: list[str], base_iri: str, options: Options
) -> Table:
    """The JSON-LD API: a framed listing page of 100 items, search, framed single resources.

    Each tool is asked once per repeat, so the cold figure is a framed resource uncached.
    """
    local_tools = ["/" + iri.removeprefix(base_iri) + "?profile=tool" for iri in tools]
    rows = {
        "listing /api/actors?limit=100": ["/api/actors?limit=100"],
        "listing /api/tools?limit=100": ["/api/tools?limit=100"],
        "search /api/search?q=memoire": ["/api/search?q=memoire"],
        f"framed tool (?profile=tool), {len(tools)} tools": local_tools,
    }
    table = latency_table(
        "JSON-LD API and framing (chava only)",
        running,
        rows,
        lambda system, _row, path: system.api(path),
        capability="api",
        options=options,
    )
    table.notes.append("no peer offers framed JSON-LD: the figures stand alone (issue 6 bars)")
    return table


PAGES_TITLE: Final = "Class pages, HTML (chava only)"
LARGE_CLASS: Final = "org:FormalOrganization"
"""Every organization the generator makes has this type: the dataset's largest class."""


def pages_table(running: dict[str, Running], *, options: Options) -> Table:
    """The class counts (`/classes/`) and the first page of the largest class, the latter with
    a new URL each request (`&request=N`), so the response cache never answers it: the cost
    of a page as a crawler walking the pages meets it."""
    counter = itertools.count(1)
    first_page = f"/classes/{LARGE_CLASS}?page=1"
    rows = {
        "/classes/ (every class counted; cold: the first request)": ["/classes/"],
        f"{first_page}, a new URL each request": [first_page],
    }

    def request(system: System, _row: str, path: str) -> Request | None:
        if path == first_page:
            path = f"{path}&request={next(counter)}"
        return system.page(path)

    table = latency_table(PAGES_TITLE, running, rows, request, capability="api", options=options)
    table.notes.append(
        "read from the catalogue index chava build writes (docs/pages.md): a page is a range "
        "read whatever the class's size; no peer serves such pages"
    )
    return table


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
