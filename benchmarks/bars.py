"""The SPARQL endpoint's bars (issue 5), checked against the figures of one run.

- each query of the mix: chava's median latency at most 1.3x the Oxigraph server's;
- a small SELECT with N connections: chava's throughput at least 0.8x the Oxigraph server's;
- each query of the mix: at least 20x rdflib-endpoint (its median over chava's).

Both query tables are checked: the mix as the harness always ran it (five identical repeats, so
chava's medians are answers replayed from its per-build result cache) and the uncached mix
(every request a new text, so every answer is computed). The client floor, the latency of a
server that does nothing (`benchmarks/floor_server.py`), bounds what any server can show: where
rdflib-endpoint answers in under 20 times the floor, no server can be 20x faster than it as this
client measures, and the verdict says so.
"""

from __future__ import annotations

from typing import Final

from benchmarks.measure import QUERY_TITLE, UNCACHED_TITLE
from benchmarks.report import Table

LATENCY_BAR: Final = 1.3
THROUGHPUT_BAR: Final = 0.8
RDFLIB_BAR: Final = 20.0
CHAVA: Final = "chava"
RDFLIB: Final = "rdflib-endpoint"
THROUGHPUT_ROW: Final = "small SELECT, same IRI"


def bars_table(
    tables: list[Table], *, floor_ms: float | None, granian_floor_ms: float | None = None
) -> Table | None:
    """One row per bar and query; None when the run has no query table with chava in it."""
    by_title = {table.title: table for table in tables}
    query_tables = [
        (label, by_title[title])
        for label, title in (("repeated", QUERY_TITLE), ("uncached", UNCACHED_TITLE))
        if title in by_title and CHAVA in by_title[title].systems
    ]
    if not query_tables:
        return None
    table = Table(
        "SPARQL bars (issue 5), checked on this run",
        "plain",
        [],
        plain_columns=["bar", "query", "repeated", "uncached"],
    )
    names = list(query_tables[0][1].rows)
    for name in names:
        cells = {label: _latency_verdict(source, name) for label, source in query_tables}
        table.plain_rows.append([f"median <= {LATENCY_BAR}x Oxigraph", name, *_columns(cells)])
    for name in names:
        cells = {
            label: _rdflib_verdict(source, name, floor_ms, granian_floor_ms)
            for label, source in query_tables
        }
        table.plain_rows.append([f">= {RDFLIB_BAR:g}x rdflib-endpoint", name, *_columns(cells)])
    throughputs = [source for source in tables if source.kind == "throughput"]
    throughput = next((source for source in throughputs if THROUGHPUT_ROW in source.rows), None)
    if throughput is not None:
        ratio = throughput.ratio(THROUGHPUT_ROW, CHAVA)
        verdict = "n/a" if ratio is None else _mark(ratio >= THROUGHPUT_BAR, f"x{ratio:.2f}")
        table.plain_rows.append(
            [f"throughput >= {THROUGHPUT_BAR}x Oxigraph", THROUGHPUT_ROW, verdict, "-"]
        )
    table.notes.append(
        "repeated: the query mix as always measured (identical repeats: chava's medians are "
        "replies from its per-build result cache); uncached: every request a new text"
    )
    if floor_ms is not None:
        table.notes.append(
            f"client floor: {floor_ms:.2f} ms, the median latency of a server that sends a fixed "
            "answer (benchmarks/floor_server.py); 'below floor' marks an rdflib-endpoint median "
            f"under {RDFLIB_BAR:g} x the floor, where no server can be {RDFLIB_BAR:g}x faster "
            "as this client measures"
        )
    if granian_floor_ms is not None:
        table.notes.append(
            f"granian floor: {granian_floor_ms:.2f} ms, the same fixed answer from an empty WSGI "
            "app under granian as chava serve runs it: chava's HTTP stack before chava does "
            "anything ('below granian floor': no app served this way can be "
            f"{RDFLIB_BAR:g}x faster)"
        )
    return table


def _columns(cells: dict[str, str]) -> list[str]:
    return [cells.get("repeated", "n/a"), cells.get("uncached", "n/a")]


def _mark(passed: bool, text: str) -> str:
    return ("pass " if passed else "FAIL ") + text


def _latency_verdict(source: Table, name: str) -> str:
    ratio = source.ratio(name, CHAVA) if name in source.rows else None
    if ratio is None:
        return "n/a"
    return _mark(ratio <= LATENCY_BAR, f"x{ratio:.2f}")


def _rdflib_verdict(
    source: Table, name: str, floor_ms: float | None, granian_floor_ms: float | None
) -> str:
    cells = source.rows.get(name, {})
    mine, theirs = cells.get(CHAVA), cells.get(RDFLIB)
    if mine is None or theirs is None or not mine.median_ms or not theirs.median_ms:
        return "n/a"
    speedup = theirs.median_ms / mine.median_ms
    text = _mark(speedup >= RDFLIB_BAR, f"{speedup:.1f}x")
    if speedup >= RDFLIB_BAR:
        return text
    for label, floor in (("floor", floor_ms), ("granian floor", granian_floor_ms)):
        if floor is not None and theirs.median_ms < RDFLIB_BAR * floor:
            return (
                text + f" (below {label}: {theirs.median_ms:.2f} ms < {RDFLIB_BAR:g} x {floor:.2f})"
            )
    return text


ENGINE_RATIO_BAR: Final = 2.0
"""chava serving from an engine: each row's median at most this times the embedded store's."""
ENGINE_MAX_SECONDS: Final = 10.0
"""chava serving from an engine: no request slower than this."""
ENGINE_PREFIX: Final = "chava@"
ENGINE_COLD_BAR: Final = 3.0
"""chava serving from an engine: the first request of a row at most this times the embedded's."""


def engine_bars_table(tables: list[Table]) -> Table | None:
    """Issue 13's bars for each `chava@ENGINE` system of the run: every row of the latency
    tables (resources, the query mix repeated and uncached, the API and search) within
    ENGINE_RATIO_BAR of chava on its embedded store, no error, no request over 10 s."""
    engines = sorted(
        {name for table in tables for name in table.systems if name.startswith(ENGINE_PREFIX)}
    )
    if not engines:
        return None
    table = Table(
        f"Engine bars (issue 13): median <= {ENGINE_RATIO_BAR:g}x embedded, first request "
        f"<= {ENGINE_COLD_BAR:g}x, no request over {ENGINE_MAX_SECONDS:g} s",
        "plain",
        [],
        plain_columns=["table", "row", *engines],
    )
    for source in tables:
        if source.kind != "latency" or CHAVA not in source.systems:
            continue
        for row, cells in source.rows.items():
            reference = cells.get(CHAVA)
            verdicts = []
            for engine in engines:
                cell = cells.get(engine)
                if cell is None or cell.median_ms is None or reference is None:
                    verdicts.append("n/a" if cell is None else (cell.note or "n/a"))
                    continue
                ratio = cell.median_ms / reference.median_ms if reference.median_ms else None
                slowest = (cell.max_ms or 0.0) / 1000
                passed = (
                    ratio is not None
                    and ratio <= ENGINE_RATIO_BAR
                    and slowest <= ENGINE_MAX_SECONDS
                    and not cell.errors
                )
                text = f"x{ratio:.2f}, max {slowest:.2f} s" if ratio is not None else "n/a"
                if cell.cold_ms is not None and reference.cold_ms:
                    cold = cell.cold_ms / reference.cold_ms
                    text += f", first x{cold:.2f}"
                    passed = passed and cold <= ENGINE_COLD_BAR
                if cell.errors:
                    text += f", {cell.errors} errors"
                verdicts.append(_mark(passed, text))
            table.plain_rows.append([source.title.split(" (")[0], row, *verdicts])
    table.notes.append(
        "chava@ENGINE is `chava serve --data FILE --store URL` on the same build, pushed with "
        "`chava publish --to`; its engine runs on the same machine"
    )
    return table
