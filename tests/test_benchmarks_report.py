"""Benchmark harness pieces that need no server: statistics, tables, samples, framing output."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from benchmarks.bars import bars_table, engine_bars_table
from benchmarks.extras import framing_rows
from benchmarks.measure import QUERY_TITLE, UNCACHED_TITLE
from benchmarks.report import Cell, Table
from benchmarks.workloads import rotations, sample_iris, shuffled

FRAMING_OUTPUT = """\
frame        n  ours ms  pyld ms   ratio | listing n  ours ms  pyld ms  ratio
-----------------------------------------------------------------------------
actor       20     0.25      6.7     27x |       100     11.5    501.5    44x
tool        20     0.19     11.7     61x |        86     20.7    672.7    33x
median ratio (single resources): 44x; every output expands to the same triples as pyld's
"""


@pytest.mark.parametrize(
    ("count", "p99"),
    [(1, 1), (5, 5), (100, 99), (120, 119), (1000, 990)],
)
def test_p99_is_the_nearest_rank(count: int, p99: int) -> None:
    cell = Cell.from_latencies([n / 1000 for n in range(1, count + 1)], cold=[], errors=0)
    assert cell.p99_ms == pytest.approx(p99)
    assert cell.samples == count


def test_latency_cells_show_ratio_to_oxigraph_and_notes() -> None:
    table = Table("t", "latency", ["chava", "oxigraph", "rdflib-endpoint"])
    table.rows["q"] = {
        "chava": Cell.from_latencies([0.002, 0.002, 0.004], cold=[0.004], errors=1),
        "oxigraph": Cell.from_latencies([0.001, 0.001, 0.001], cold=[0.001], errors=0),
        "rdflib-endpoint": Cell.missing("n/a (endpoint missing: HTTP 404)"),
    }
    assert table.ratio("q", "chava") == pytest.approx(2.0)
    line = table.render().splitlines()[-1]
    assert "2.0 ms (p99 4.0, cold 4.0, n=3) x2.00 [1 errors]" in line
    assert "n/a (endpoint missing: HTTP 404)" in line
    assert line.count("|") == 5


def test_throughput_ratio_is_requests_per_second() -> None:
    table = Table("t", "throughput", ["chava", "oxigraph"])
    table.rows["r"] = {
        "chava": Cell(median_ms=1.0, p99_ms=2.0, requests_per_second=300.0),
        "oxigraph": Cell(median_ms=1.0, p99_ms=2.0, requests_per_second=600.0),
    }
    assert table.ratio("r", "chava") == pytest.approx(0.5)
    assert "300 req/s (p50 1.0 ms, p99 2.0 ms) x0.50" in table.render()


def test_framing_output_becomes_a_table() -> None:
    table = framing_rows("framing", FRAMING_OUTPUT)
    assert [row[0] for row in table.plain_rows] == ["actor", "tool"]
    assert table.plain_rows[0][4] == "27x"
    assert table.notes == [FRAMING_OUTPUT.splitlines()[-1]]
    unexpected = framing_rows("framing", "something else\n")
    assert unexpected.plain_rows == [["something else"]]


def test_samples_cover_every_kind_and_are_reproducible() -> None:
    iris = [f"https://x.example.org/id/{kind}/{n}" for kind in ("a", "b", "c") for n in range(9)]
    sample = sample_iris(iris, count=6, seed=1)
    assert sample == sample_iris(iris, count=6, seed=1)
    assert len(set(sample)) == 6
    assert {iri.split("/id/")[1].split("/")[0] for iri in sample} == {"a", "b", "c"}
    assert sorted(shuffled(iris, limit=len(iris), seed=2)) == sorted(iris)


def test_each_system_goes_first_in_turn() -> None:
    orders = [order for _repeat, order in rotations(["a", "b", "c"], 4)]
    assert [order[0] for order in orders] == ["a", "b", "c", "a"]


def test_every_query_of_the_mix_is_documented() -> None:
    queries = sorted((Path(__file__).parent.parent / "benchmarks" / "queries").glob("*.rq"))
    assert len(queries) >= 8
    for path in queries:
        assert any(line.startswith("# ") for line in path.read_text().splitlines()), path


def _latencies(title: str, medians_ms: dict[str, dict[str, float]]) -> Table:
    systems = ["chava", "oxigraph", "rdflib-endpoint"]
    table = Table(title, "latency", systems)
    for row, cells in medians_ms.items():
        table.rows[row] = {
            system: Cell.from_latencies([ms / 1000], cold=[], errors=0)
            for system, ms in cells.items()
        }
    return table


def test_bars_are_checked_on_both_query_tables_against_the_floor() -> None:
    repeated = _latencies(
        QUERY_TITLE,
        {
            "cheap": {"chava": 0.3, "oxigraph": 0.5, "rdflib-endpoint": 3.0},
            "heavy": {"chava": 0.3, "oxigraph": 40.0, "rdflib-endpoint": 100.0},
        },
    )
    uncached = _latencies(
        UNCACHED_TITLE,
        {
            "cheap": {"chava": 1.5, "oxigraph": 0.5, "rdflib-endpoint": 3.0},
            "heavy": {"chava": 50.0, "oxigraph": 40.0, "rdflib-endpoint": 100.0},
        },
    )
    throughput = Table("Throughput", "throughput", ["chava", "oxigraph"])
    throughput.rows["small SELECT, same IRI"] = {
        "chava": Cell(median_ms=0.2, p99_ms=1.0, requests_per_second=900.0),
        "oxigraph": Cell(median_ms=0.2, p99_ms=1.0, requests_per_second=1000.0),
    }
    table = bars_table([repeated, uncached, throughput], floor_ms=0.12, granian_floor_ms=0.17)
    assert table is not None
    rows = {(row[0], row[1]): row[2:] for row in table.plain_rows}
    assert rows[("median <= 1.3x Oxigraph", "cheap")] == ["pass x0.60", "FAIL x3.00"]
    assert rows[("median <= 1.3x Oxigraph", "heavy")] == ["pass x0.01", "pass x1.25"]
    cheap = rows[(">= 20x rdflib-endpoint", "cheap")]
    assert cheap[0] == "FAIL 10.0x (below granian floor: 3.00 ms < 20 x 0.17)"
    assert cheap[1].startswith("FAIL 2.0x (below granian floor")
    tighter = bars_table([repeated], floor_ms=0.2, granian_floor_ms=0.3)
    assert tighter is not None
    assert tighter.plain_rows[2][2] == "FAIL 10.0x (below floor: 3.00 ms < 20 x 0.20)"
    assert tighter.plain_rows[2][3] == "n/a"  # no uncached table in that run
    assert rows[(">= 20x rdflib-endpoint", "heavy")] == ["pass 333.3x", "FAIL 2.0x"]
    assert rows[("throughput >= 0.8x Oxigraph", "small SELECT, same IRI")] == ["pass x0.90", "-"]
    assert bars_table([throughput], floor_ms=None) is None  # no query table, no verdict


def test_engine_bars_hold_each_row_to_twice_the_embedded_store_and_ten_seconds() -> None:
    def cell(median: float, slowest: float, errors: int = 0) -> Cell:
        found = Cell.from_latencies([median / 1000] * 4 + [slowest / 1000], cold=[], errors=errors)
        return found

    table = Table(QUERY_TITLE, "latency", ["chava", "chava@oxigraph"])
    table.rows = {
        "fast": {"chava": cell(10, 12), "chava@oxigraph": cell(19, 30)},
        "slow": {"chava": cell(10, 12), "chava@oxigraph": cell(25, 30)},
        "a stall": {"chava": cell(10, 12), "chava@oxigraph": cell(12, 11_000)},
        "errors": {"chava": cell(10, 12), "chava@oxigraph": cell(12, 20, errors=1)},
    }
    bars = engine_bars_table([table])
    assert bars is not None
    verdicts = {row[1]: row[2] for row in bars.plain_rows}
    assert verdicts["fast"].startswith("pass x1.90")
    assert verdicts["slow"].startswith("FAIL x2.50")
    assert verdicts["a stall"].startswith("FAIL")
    assert "max 11.00 s" in verdicts["a stall"]
    assert verdicts["errors"].startswith("FAIL")
    assert engine_bars_table([Table(QUERY_TITLE, "latency", ["chava", "oxigraph"])]) is None


def test_kept_results_say_their_date_machine_and_command() -> None:
    """Issue 15: results live under benchmarks/results/, each with date, machine and command."""
    folder = Path(__file__).resolve().parent.parent / "benchmarks" / "results"
    kept = sorted(path for path in folder.glob("bench-*.md"))
    assert kept, "no benchmark result is kept"
    for path in kept:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^- date: \d{4}-\d{2}-\d{2} ", text, flags=re.MULTILINE), path
        assert re.search(r"^- machine: \d+ cores", text, flags=re.MULTILINE), path
        assert re.search(r"command: `python benchmarks/run\.py --size \w+[^`]*`", text), path
        assert path.name in (folder / "README.md").read_text(encoding="utf-8")
