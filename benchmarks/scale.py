"""Issue 16's figures: the first requests after start, search, memory by process, build time.

- **first requests**: the first `/api/tools` page and the first search of a server just
  started (nothing asked of the API before them);
- **search**: the median of searches each a new query (so no cache answers: pairs of the
  generator's topic words, as typed: whole words and prefixes), and of one search repeated;
- **memory**: the resident memory of every process of each server after the workloads, by
  role (chava: its main process, web workers, query workers), RSS (what the bar counts: shared
  pages in each process), PSS (shared pages split between the processes sharing them) and the
  anonymous part (heaps: caches, indexes held in memory, RocksDB's block caches);
- **build**: `chava build` (validation excluded) against `oxigraph load`, same file;
- **bars**: issue 16's bars, checked on the run.
"""

from __future__ import annotations

import itertools
import statistics
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import pyoxigraph as ox

from benchmarks.measure import UNCACHED_TITLE, Options, Running, latency_table
from benchmarks.processes import ServerProcess, server_tree
from benchmarks.report import REFERENCE, Table
from benchmarks.systems import ChavaServer, System
from benchmarks.workloads import LOOKUP_QUERY, Query

CHAVA: Final = "chava"
WORDS: Final = (
    "memoire",
    "alimentation",
    "citoyennete",
    "environnement",
    "mobilite",
    "sante",
    "emploi",
    "patrimoine",
    "jeunesse",
    "atelier",
    "ville",
    "literacy",
    "heritage",
    "youth",
)
"""Words the generated data holds (its topics, in French and English; its kinds of things)."""
REPEATED_SEARCH: Final = "/api/search?q=memoire"
FIRST_TOOLS: Final = "/api/tools?limit=20"
FIRST_SEARCH: Final = "/api/search?q=alimentation+ville"
SEARCH_BAR_MS: Final = 10.0
FIRST_BAR_MS: Final = 50.0
MEMORY_BAR_MB: Final = 400.0
STARTUP_BAR_S: Final = 2.0
BUILD_BAR: Final = 1.5
UNCACHED_BAR: Final = 1.5
VARIED_RESOURCE_BAR: Final = 1.0
SOURCES_SELECT_BAR: Final = 0.8


def search_queries(count: int) -> list[str]:
    """*count* different search paths: word pairs, the second word cut as if being typed."""
    queries: list[str] = []
    for first, second in itertools.permutations(WORDS, 2):
        for typed in (second, second[: max(2, len(second) // 2)]):
            queries.append("/api/search?" + urlencode({"q": f"{first} {typed}"}))
            if len(queries) == count:
                return queries
    return queries


def first_requests(running: Running) -> dict[str, float]:
    """Milliseconds of the first `/api/tools` page and the first search after start."""
    figures: dict[str, float] = {}
    for name, path in (("first /api/tools page", FIRST_TOOLS), ("first search", FIRST_SEARCH)):
        request = running.system.api(path)
        if request is None:
            continue
        sample = running.client.get(request)
        if sample.ok:
            figures[name] = sample.seconds * 1000
    return figures


def search_table(running: dict[str, Running], options: Options, *, queries: int = 40) -> Table:
    """Search latency: every request a new query, and one query repeated."""
    varied = search_queries(queries)
    rows = {
        f"search, a new query each request ({len(varied)} queries)": varied,
        f"search, one query repeated ({REPEATED_SEARCH})": [REPEATED_SEARCH],
    }
    table = latency_table(
        "Search (chava only)",
        running,
        rows,
        lambda system, _row, path: system.api(path),
        capability="api",
        options=options,
    )
    table.notes.append(
        "a new query each request: two topic words, the second whole or half typed; every "
        "answer is computed (chava's response cache replays resources and SPARQL answers, not "
        "searches), the later rounds ask the same 40 texts again"
    )
    return table


@dataclass(frozen=True)
class ProcessMemory:
    """One process of a server: its role and memory in bytes."""

    role: str
    rss: int
    pss: int
    anonymous: int


def role_of(command: str, pid: int, leader: int) -> str:
    """What a process of a server does, from its command line."""
    if "chava.sparql.worker" in command:
        return "query worker"
    if pid == leader:
        return "main"
    if "chava" in command:
        return "web worker"
    return "server"


def read_memory(pid: int) -> tuple[int, int, int] | None:
    """(RSS, PSS, anonymous) of a process in bytes, from /proc/PID/smaps_rollup."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return None
    return parse_rollup(text)


def parse_rollup(text: str) -> tuple[int, int, int]:
    """(RSS, PSS, anonymous) in bytes from the text of smaps_rollup."""
    fields: dict[str, int] = {}
    for line in text.splitlines()[1:]:
        name, _colon, value = line.partition(":")
        parts = value.split()
        if parts and parts[0].isdigit():
            fields[name.strip()] = int(parts[0]) * 1024
    return fields.get("Rss", 0), fields.get("Pss", 0), fields.get("Anonymous", 0)


def server_memory(process: ServerProcess) -> list[ProcessMemory]:
    """The memory of every live process of a server (its group and their descendants)."""
    found = []
    for pid in server_tree(process.group_id):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        memory = read_memory(pid)
        if memory is not None:
            found.append(ProcessMemory(role_of(command, pid, process.group_id), *memory))
    return found


def memory_rows(name: str, processes: Iterable[ProcessMemory]) -> list[list[str]]:
    """Rows per role (count and MB), then the total, for one system."""
    by_role: dict[str, list[ProcessMemory]] = {}
    for memory in processes:
        by_role.setdefault(memory.role, []).append(memory)
    rows = []
    order = ("main", "web worker", "query worker", "server")
    for role in sorted(by_role, key=lambda r: order.index(r) if r in order else len(order)):
        members = by_role[role]
        rows.append(_memory_row(name, f"{role} x{len(members)}", members))
    every = [memory for members in by_role.values() for memory in members]
    rows.append(_memory_row(name, "total", every))
    return rows


def _memory_row(name: str, label: str, members: list[ProcessMemory]) -> list[str]:
    return [
        name,
        label,
        f"{sum(m.rss for m in members) / 2**20:,.0f}",
        f"{sum(m.pss for m in members) / 2**20:,.0f}",
        f"{sum(m.anonymous for m in members) / 2**20:,.0f}",
    ]


def memory_table(
    processes: Mapping[str, ServerProcess], *, when: str = "after the workloads"
) -> Table:
    """Memory by process and role, after the workloads (or *when* says)."""
    table = Table(
        f"Memory by process, {when}",
        "plain",
        [],
        plain_columns=["system", "processes", "RSS MB", "PSS MB", "anonymous MB"],
    )
    for name, process in processes.items():
        table.plain_rows += memory_rows(name, server_memory(process))
    table.notes.append(
        "RSS counts shared pages (libraries, the kernel's cache of mapped files) in every "
        "process; PSS splits them between the processes sharing them; anonymous: heaps "
        "(caches, indexes in memory, RocksDB block caches)"
    )
    return table


def build_ratio(facts: Mapping[str, Mapping[str, Any]]) -> float | None:
    """`chava build` seconds over `oxigraph load` seconds, when both were prepared."""
    try:
        chava = facts[CHAVA]["prepare"].seconds
        oxigraph = facts["oxigraph"]["prepare"].seconds
    except (KeyError, AttributeError):
        return None
    if not chava or not oxigraph:
        return None
    return float(chava) / float(oxigraph)


def scale_bars(
    tables: list[Table],
    *,
    first: Mapping[str, float],
    startup: float | None,
    memory: Table | None,
    build: float | None,
    floor_rps: float | None = None,
    engine_rate: float | None = None,
    granian_floor_ms: float | None = None,
    engine_ms: Mapping[str, float] | None = None,
) -> Table:
    """Issue 16's bars on this run: pass/FAIL with the figure; with *floor_rps* (the granian
    floor's requests per second on the 8-address SELECT paths) and *engine_rate* (pyoxigraph's
    lookups per CPU-second alone), what that bar asks against them; with *granian_floor_ms*
    and *engine_ms* (each uncached query's median run by pyoxigraph alone), what the uncached
    bar leaves chava's own work."""
    table = Table(
        "Scale bars (issue 16), checked on this run",
        "plain",
        [],
        plain_columns=["bar", "figure", "verdict"],
    )

    def add(bar: str, value: float | None, passed: bool | None, text: str) -> None:
        verdict = "n/a" if value is None or passed is None else ("pass" if passed else "FAIL")
        table.plain_rows.append([bar, text if value is not None else "-", verdict])

    by_title = {source.title: source for source in tables}
    search = by_title.get("Search (chava only)")
    varied = next((row for row in (search.rows if search else {}) if "new query" in row), None)
    p50 = search.rows[varied][CHAVA].median_ms if search and varied else None
    add(f"search p50 <= {SEARCH_BAR_MS:g} ms", p50, _le(p50, SEARCH_BAR_MS), f"{p50 or 0:.1f} ms")
    for name in ("first search", "first /api/tools page"):
        value = first.get(name)
        add(
            f"{name} <= {FIRST_BAR_MS:g} ms",
            value,
            _le(value, FIRST_BAR_MS),
            f"{value or 0:.1f} ms",
        )
    add(
        f"start-up <= {STARTUP_BAR_S:g} s",
        startup,
        _le(startup, STARTUP_BAR_S),
        f"{startup or 0:.2f} s",
    )
    total = _total_rss(memory)
    add(
        f"total RSS <= {MEMORY_BAR_MB:g} MB",
        total,
        _le(total, MEMORY_BAR_MB),
        f"{total or 0:,.0f} MB",
    )
    throughput = next((source for source in tables if source.kind == "throughput"), None)
    for prefix, suffix, bar in (
        ("resource (Turtle),", "different IRIs per run", VARIED_RESOURCE_BAR),
        ("small SELECT,", "client addresses", SOURCES_SELECT_BAR),
    ):
        row = next(
            (
                name
                for name in (throughput.rows if throughput else {})
                if name.startswith(prefix) and name.endswith(suffix)
            ),
            None,
        )
        ratio = throughput.ratio(row, CHAVA) if throughput and row else None
        add(
            f"{row or prefix + ' ' + suffix} >= {bar}x Oxigraph",
            ratio,
            _ge(ratio, bar),
            f"x{ratio or 0:.2f}",
        )
        if throughput and row and suffix == "client addresses" and floor_rps is not None:
            peer = throughput.rows[row].get("oxigraph")
            if peer is not None and peer.requests_per_second:
                asked = bar * peer.requests_per_second
                table.notes.append(
                    f"'{row}': the bar asks {asked:,.0f} req/s ({bar}x the Oxigraph server's "
                    f"{peer.requests_per_second:,.0f}); an empty app under granian answered "
                    f"{floor_rps:,.0f} req/s to the same requests (the granian floor, "
                    f"x{floor_rps / peer.requests_per_second:.2f})"
                    + _engine_alone(engine_rate, asked)
                )
    uncached = by_title.get(UNCACHED_TITLE)
    for name in uncached.rows if uncached else {}:
        ratio = uncached.ratio(name, CHAVA) if uncached else None
        add(
            f"uncached {name} <= {UNCACHED_BAR}x Oxigraph",
            ratio,
            _le(ratio, UNCACHED_BAR),
            f"x{ratio or 0:.2f}",
        )
    if uncached is not None and granian_floor_ms is not None and engine_ms:
        note = _uncached_budget(uncached, granian_floor_ms, engine_ms)
        if note:
            table.notes.append(note)
    add(
        f"chava build <= {BUILD_BAR}x oxigraph load",
        build,
        _le(build, BUILD_BAR),
        f"x{build or 0:.2f}",
    )
    table.notes.append(
        "'q=territoires memoire ranks Les Territoires de la Mémoire first' is checked on the "
        "bundled publication by tests/test_search.py (the generated data has no such resource)"
    )
    return table


def _total_rss(memory: Table | None) -> float | None:
    if memory is None:
        return None
    for row in memory.plain_rows:
        if row[0] == CHAVA and row[1] == "total":
            return float(row[2].replace(",", ""))
    return None


def _le(value: float | None, bar: float) -> bool | None:
    return None if value is None else value <= bar


def _ge(value: float | None, bar: float) -> bool | None:
    return None if value is None else value >= bar


def _engine_alone(rate: float | None, asked: float) -> str:
    """What pyoxigraph alone does against a throughput bar, for the bar's note."""
    if rate is None:
        return ""
    return (
        f"; pyoxigraph alone answered {rate:,.0f} of them per CPU-second (query and JSON "
        f"writer, nothing else): the bar needs {asked / rate:.2f} cores of engine time before "
        "any HTTP or Python"
    )


def _uncached_budget(
    uncached: Table, granian_floor_ms: float, engine_ms: Mapping[str, float]
) -> str:
    """For each uncached query: the time the bar allows chava, less the granian floor and
    pyoxigraph's own time (what no app on this stack and engine avoids), against chava's."""
    parts = []
    for name, cells in uncached.rows.items():
        peer, mine, engine = cells.get(REFERENCE), cells.get(CHAVA), engine_ms.get(name)
        if engine is None or peer is None or mine is None:
            continue
        if not peer.median_ms or not mine.median_ms:
            continue
        left = UNCACHED_BAR * peer.median_ms - granian_floor_ms - engine
        own = mine.median_ms - granian_floor_ms - engine
        took = f"took {own:.2f}" if own > 0 else "took less than the engine's own variation"
        parts.append(f"{name.split('-')[0]} {left:.2f} ms left, {took}")
    if not parts:
        return ""
    return (
        f"uncached: what the {UNCACHED_BAR}x bar leaves chava's own work (the screen, the "
        "limits, the cache and, for a query not answered inline, the round trip to a killable "
        f"query worker) once the granian floor ({granian_floor_ms:.2f} ms) and pyoxigraph alone "
        "(the query and its writer in one process, a new text each time) are paid, against "
        "what that work took in this run: " + "; ".join(parts)
    )


def engine_query_ms(
    store_path: Path, queries: Iterable[Query], *, repeats: int = 15, budget_s: float = 2.0
) -> dict[str, float]:
    """The median milliseconds of each query run by pyoxigraph alone on *store_path* (opened
    read-only in this process, the union default graph as chava serves it), each time a new
    text as the uncached table sends them, its answer written in the query's format (SPARQL
    JSON or Turtle): what the engine costs before any HTTP or Python around it. Each query
    stops after *repeats* runs or once it has used *budget_s* (at least three runs)."""
    store = ox.Store.read_only(str(store_path))
    medians: dict[str, float] = {}
    counter = itertools.count()
    for query in queries:
        samples: list[float] = []
        spent = 0.0
        while len(samples) < repeats and (len(samples) < 3 or spent < budget_s):
            text = f"{query.text.rstrip()}\n# engine {next(counter)}\n"
            started = time.perf_counter()
            answer = store.query(text, use_default_graph_as_union=True)
            if isinstance(answer, ox.QuerySolutions | ox.QueryBoolean):
                answer.serialize(format=ox.QueryResultsFormat.JSON)
            else:
                answer.serialize(format=ox.RdfFormat.TURTLE)
            elapsed = time.perf_counter() - started
            samples.append(elapsed * 1000)
            spent += elapsed
        medians[query.name] = statistics.median(samples)
    return medians


def served_store(system: System) -> Path | None:
    """The store of the build chava serves in this run (None for another system)."""
    current = system.current_build() if isinstance(system, ChavaServer) else None
    return current / "store" if current is not None else None


def engine_lookup_rate(
    store_path: Path, iris: list[str], *, read_before: Sequence[str] = ()
) -> float:
    """Lookup SELECTs (LOOKUP_QUERY) per CPU-second of pyoxigraph alone on *store_path*, opened
    read-only in this process: each query run and its answer written as SPARQL JSON, as the
    endpoint does, with nothing else (no HTTP, no screen, no Python around them).

    Each of *iris* is asked once, as a varied run asks them. The lookups of *read_before* (the
    IRIs of the runs before, which the servers have read) are run first, untimed: the servers'
    block caches are as warm for the store's other pages, and a process that has read nothing
    runs the same lookups at roughly half the rate (measured at 1M)."""
    store = ox.Store.read_only(str(store_path))

    def ask(each: Iterable[str]) -> None:
        for iri in each:
            query = LOOKUP_QUERY.replace("%IRI%", iri)
            solutions = store.query(query, use_default_graph_as_union=True)
            assert isinstance(solutions, ox.QuerySolutions)
            solutions.serialize(format=ox.QueryResultsFormat.JSON)

    ask(read_before)
    started = time.process_time()
    ask(iris)
    spent = time.process_time() - started
    return len(iris) / spent if spent > 0 else 0.0
