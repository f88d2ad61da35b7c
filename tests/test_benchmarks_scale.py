"""The harness's issue-16 figures: memory by role, search queries, bars, several client addresses.

Unit tests of the pure parts (no timing asserted); the whole harness runs in
tests/test_benchmarks.py.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from benchmarks import scale, sources
from benchmarks.report import Cell, Table
from benchmarks.systems import Preparation
from benchmarks.throughput import varied_slices

ROLLUP = """55a1c0a00000-7ffd3c5fe000 ---p 00000000 00:00 0                          [rollup]
Rss:               47788 kB
Pss:               26356 kB
Pss_Anon:          24108 kB
Anonymous:         24108 kB
Swap:                  0 kB
"""


def test_smaps_rollup_is_read_in_bytes() -> None:
    assert scale.parse_rollup(ROLLUP) == (47788 * 1024, 26356 * 1024, 24108 * 1024)


def test_processes_get_their_role_from_their_command_line() -> None:
    leader = 100
    assert scale.role_of("python .venv/bin/chava serve --data x", 100, leader) == "main"
    assert scale.role_of("python .venv/bin/chava serve --data x", 101, leader) == "web worker"
    assert scale.role_of("python -m chava.sparql.worker", 102, leader) == "query worker"
    assert scale.role_of("oxigraph serve-read-only", 103, leader) == "server"
    # `chava serve` execs its supervisor (same pid); the web workers fork from it
    supervisor = "python -P -m chava.web.supervisor {}"
    assert scale.role_of(supervisor, 100, leader) == "main"
    assert scale.role_of(supervisor, 104, leader) == "web worker"


def test_memory_is_measured_again_after_an_idle_wait_under_its_own_title() -> None:
    assert scale.memory_table({}).title == "Memory by process, after the workloads"
    idle = scale.memory_table({}, when="after 70 s idle")
    assert idle.title == "Memory by process, after 70 s idle"


def test_memory_rows_add_up_by_role_then_in_total() -> None:
    mb = 2**20
    processes = [
        scale.ProcessMemory("query worker", 40 * mb, 20 * mb, 18 * mb),
        scale.ProcessMemory("main", 50 * mb, 25 * mb, 30 * mb),
        scale.ProcessMemory("query worker", 42 * mb, 22 * mb, 19 * mb),
        scale.ProcessMemory("web worker", 70 * mb, 45 * mb, 50 * mb),
    ]
    rows = scale.memory_rows("chava", processes)
    assert rows == [
        ["chava", "main x1", "50", "25", "30"],
        ["chava", "web worker x1", "70", "45", "50"],
        ["chava", "query worker x2", "82", "42", "37"],
        ["chava", "total", "202", "112", "117"],
    ]


def test_varied_runs_never_share_an_iri_and_fit_the_pool() -> None:
    pool = [f"https://example.org/id/{n}" for n in range(100)]
    slices, others = varied_slices(pool, 20, repeats=2, sets=2)
    assert [len(part) for part in slices + others] == [20, 20, 20, 20]
    asked = [iri for part in slices + others for iri in part]
    assert len(set(asked)) == 80  # no IRI in two runs: no cache has seen a run's IRIs
    assert pool[-20:] == [iri for iri in pool if iri not in asked]  # the last slice: unasked
    short, more = varied_slices(pool[:30], 20, repeats=2, sets=2)
    assert [len(part) for part in short + more] == [7, 7, 7, 7]  # cut to the pool
    single, none = varied_slices(pool, 20, repeats=3, sets=1)
    assert len(single) == 3
    assert none == []


def test_search_queries_are_all_different() -> None:
    queries = scale.search_queries(60)
    assert len(queries) == len(set(queries)) == 60
    assert all(query.startswith("/api/search?q=") for query in queries)


def test_build_ratio_needs_both_preparations() -> None:
    facts = {
        "chava": {"prepare": Preparation(15.0, cached=False)},
        "oxigraph": {"prepare": Preparation(10.0, cached=False)},
    }
    assert scale.build_ratio(facts) == 1.5
    assert scale.build_ratio({"chava": facts["chava"]}) is None


def _throughput(chava: float, oxigraph: float, row: str) -> Table:
    table = Table("Throughput, 8 connections (wrk)", "throughput", ["chava", "oxigraph"])
    table.rows[row] = {
        "chava": Cell(requests_per_second=chava),
        "oxigraph": Cell(requests_per_second=oxigraph),
    }
    return table


def test_scale_bars_pass_and_fail_on_the_figures() -> None:
    search = Table("Search (chava only)", "latency", ["chava"])
    search.rows["search, a new query each request (40 queries)"] = {"chava": Cell(median_ms=12.0)}
    throughput = _throughput(900, 1000, "resource (Turtle), 2000 different IRIs per run")
    throughput.rows["small SELECT, 2000 different IRIs per run, 8 client addresses"] = {
        "chava": Cell(requests_per_second=850),
        "oxigraph": Cell(requests_per_second=1000),
    }
    memory = Table("Memory", "plain", [], plain_columns=["system", "processes"])
    memory.plain_rows = [["chava", "total", "350", "200", "150"]]
    bars = scale.scale_bars(
        [search, throughput],
        first={"first search": 30.0, "first /api/tools page": 60.0},
        startup=1.2,
        memory=memory,
        build=1.4,
    )
    verdicts = {row[0]: row[2] for row in bars.plain_rows}
    assert verdicts["search p50 <= 10 ms"] == "FAIL"
    assert verdicts["first search <= 50 ms"] == "pass"
    assert verdicts["first /api/tools page <= 50 ms"] == "FAIL"
    assert verdicts["start-up <= 2 s"] == "pass"
    assert verdicts["total RSS <= 400 MB"] == "pass"
    assert verdicts["resource (Turtle), 2000 different IRIs per run >= 1.0x Oxigraph"] == "FAIL"
    assert (
        verdicts["small SELECT, 2000 different IRIs per run, 8 client addresses >= 0.8x Oxigraph"]
        == "pass"
    )
    assert verdicts["chava build <= 1.5x oxigraph load"] == "pass"
    empty = scale.scale_bars([], first={}, startup=None, memory=None, build=None)
    assert {row[2] for row in empty.plain_rows} == {"n/a"}


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler")
def test_the_shim_spreads_connections_over_client_addresses(tmp_path: Path) -> None:
    shim = sources.build_shim(tmp_path)
    assert shim is not None
    seen: list[str] = []
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        port = server.getsockname()[1]

        def accept() -> None:
            for _connection in range(4):
                connection, (address, _port) = server.accept()
                seen.append(address)
                connection.close()

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        client = (
            "import socket\n"
            "for _ in range(4):\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=10).close()\n"
        )
        subprocess.run(
            [sys.executable, "-c", client],
            env={**sources.environment(shim, 3)},
            check=True,
            timeout=60,
        )
        thread.join(timeout=30)
    assert seen == ["127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"]
