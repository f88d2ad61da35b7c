"""The benchmark harness on a tiny dataset: it starts and stops every system, tables are sound.

Not a timed test: it checks that the harness cannot rot (every system starts, every process
stops, also on SIGINT, and the JSON and Markdown are well formed), never the figures.
"""

from __future__ import annotations

import contextlib
import http.client
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from benchmarks import run
from benchmarks.dataset import ensure_dataset
from benchmarks.loadgen import wrk_available
from benchmarks.measure import Options, Running
from benchmarks.processes import ProcessRegistry, live_processes
from benchmarks.pyload import run_python
from benchmarks.systems import ChavaServer, OxigraphServer, Request
from benchmarks.workloads import resource_iris, sample_iris

pytestmark = [pytest.mark.server, pytest.mark.slow]

SYSTEMS = ("chava", "oxigraph", "rdflib-endpoint")
TINY = [
    "--cities", "1", "--repeats", "2", "--sample", "3", "--varied", "40",
    "--duration", "1", "--throughput-repeats", "1", "--timeout", "20",
    "--row-budget", "2", "--validation-timeout", "120",
    "--validation-sizes", "10k", "--validation-engines", "oxigraph,pyshacl",
    "--skip", "identity,harvest",
]  # fmt: skip


def children_of(parent: int) -> list[int]:
    """Pids of the live processes whose parent is *parent*."""
    return [pid for pid, ppid, _group in live_processes() if ppid == parent]


def processes_mentioning(text: str) -> list[int]:
    """Pids of live processes whose command line contains *text*."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text in command and state != "Z":
            found.append(int(entry.name))
    return found


def test_harness_runs_every_system_and_leaves_nothing_behind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, results = tmp_path / "data", tmp_path / "results"
    code = run.main([*TINY, "--data-dir", str(data), "--output-dir", str(results)])
    assert code == 0
    assert processes_mentioning(str(tmp_path)) == []
    printed = capsys.readouterr().out

    (json_path,) = results.glob("bench-*.json")
    document = json.loads(json_path.read_text(encoding="utf-8"))
    assert document["meta"]["leftover_processes"] == []
    assert document["meta"]["machine"]["nproc"] >= 1
    tables = {table["title"]: table for table in document["tables"]}
    systems = tables["Systems: load/build, startup, peak memory"]
    assert [row[0] for row in systems["plain_rows"]] == list(SYSTEMS)
    assert not any("not run" in row[-1] for row in systems["plain_rows"])
    assert all(
        float(row[2]) > 0 and float(row[3].replace(",", "")) > 0 for row in systems["plain_rows"]
    )

    description = tables["Resource description (latency)"]
    assert set(description["rows"]) == {"turtle", "jsonld", "html"}
    oxigraph_turtle = description["rows"]["turtle"]["oxigraph"]
    assert oxigraph_turtle["median_ms"] > 0
    assert oxigraph_turtle["samples"] == 3 * 2  # every IRI of the sample, every repeat
    assert description["rows"]["html"]["oxigraph"]["note"] == "n/a (not offered)"

    mix = tables["SPARQL query mix (latency)"]
    assert len(mix["rows"]) >= 8
    for row in mix["rows"].values():
        assert set(row) == set(SYSTEMS)
        assert row["oxigraph"]["errors"] == 0
        assert row["oxigraph"]["median_ms"] > 0
        assert row["rdflib-endpoint"]["median_ms"] > 0

    uncached = tables["SPARQL query mix, uncached (latency, a new query text per request)"]
    assert list(uncached["rows"]) == list(mix["rows"])
    for row in uncached["rows"].values():
        assert row["chava"]["errors"] == 0
        assert row["chava"]["samples"] == 2  # one per repeat: each a new text
    assert 0 < document["meta"]["client_floor_ms"] < 50
    assert 0 < document["meta"]["granian_floor_ms"] < 50
    bars = tables["SPARQL bars (issue 5), checked on this run"]
    assert {row[1] for row in bars["plain_rows"]} >= set(mix["rows"])
    for row in bars["plain_rows"]:
        assert row[2].startswith(("pass", "FAIL", "n/a")), row
    assert any("client floor" in note for note in bars["notes"])
    assert any("granian floor" in note for note in bars["notes"])

    throughput = [table for title, table in tables.items() if title.startswith("Throughput")]
    if wrk_available():
        (table,) = throughput
        for row in table["rows"].values():
            assert row["oxigraph"]["requests_per_second"] > 0
        if shutil.which("cc"):  # the varied SELECTs again, from several client addresses
            (from_addresses,) = [row for row in table["rows"] if row.endswith("client addresses")]
            assert table["rows"][from_addresses]["chava"]["requests_per_second"] > 0
            # The granian floor under the same load: what no app served this way can exceed.
            assert any(note.startswith("granian floor: ") for note in table["notes"])
            scale_notes = tables["Scale bars (issue 16), checked on this run"]["notes"]
            assert any("an empty app under granian answered" in note for note in scale_notes)
            assert any("cores of engine time" in note for note in scale_notes)
            assert any(note.startswith("engine alone: ") for note in table["notes"])
    search = tables["Search (chava only)"]
    for row in search["rows"].values():
        assert row["chava"]["errors"] == 0
        assert row["chava"]["median_ms"] > 0
    assert set(document["meta"]["first_requests_ms"]) == {"first search", "first /api/tools page"}
    pages = tables["Class pages, HTML (chava only)"]
    assert len(pages["rows"]) == 2
    for row in pages["rows"].values():  # each request a new URL: every one answered 200
        assert row["chava"]["errors"] == 0
        assert row["chava"]["samples"] == 2  # one per repeat
        assert row["oxigraph"]["note"] == "n/a (not offered)"
    memory = tables["Memory by process, after the workloads"]
    roles = {row[1].split(" x")[0] for row in memory["plain_rows"] if row[0] == "chava"}
    assert roles == {"main", "web worker", "query worker", "total"}
    scale_bars = tables["Scale bars (issue 16), checked on this run"]
    assert any(row[0].startswith("total RSS") for row in scale_bars["plain_rows"])
    for row in scale_bars["plain_rows"]:
        assert row[2] in ("pass", "FAIL", "n/a"), row
    # What the uncached bar leaves chava once the granian floor and pyoxigraph alone are paid.
    (budget,) = [note for note in scale_bars["notes"] if note.startswith("uncached: what the")]
    assert budget.count(" ms left, took ") == len(uncached["rows"])  # every query, a figure
    validated = tables[
        "Validation: chava validate FILE --engine E (generated data, the project's shapes)"
    ]
    assert [row[1] for row in validated["plain_rows"]] == ["oxigraph", "pyshacl"]
    assert all(row[4] == "0" for row in validated["plain_rows"])  # generated cities conform
    assert any(title.startswith("JSON-LD framing") for title in tables)
    api = tables["JSON-LD API and framing (chava only)"]
    for row in api["rows"].values():
        assert row["oxigraph"]["note"] == "n/a (not offered)"
        assert row["chava"]["samples"] > 0 or row["chava"]["note"].startswith("n/a")

    markdown = json_path.with_suffix(".md").read_text(encoding="utf-8")
    assert markdown in printed
    for table in document["tables"]:
        assert f"### {table['title']}" in markdown
    for block in markdown.split("### ")[1:]:
        rows = [line for line in block.splitlines() if line.startswith("|")]
        assert len(rows) >= 3
        assert len({line.count("|") for line in rows}) == 1  # every row has every column


@pytest.mark.parametrize("inherited", ["default", "ignored"])
def test_interrupting_the_harness_stops_every_server(tmp_path: Path, inherited: str) -> None:
    data, results = tmp_path / "data", tmp_path / "results"
    command = [
        *(sys.executable, "benchmarks/run.py", *TINY, "--duration", "20"),
        *("--data-dir", str(data), "--output-dir", str(results)),
    ]
    if inherited == "ignored":  # started by a parent ignoring SIGINT (nohup does): exec keeps it
        ignoring = "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        wrapper = [sys.executable, "-c", ignoring + "os.execv(sys.executable, sys.argv[1:])"]
        command = [*wrapper, *command]
    harness = subprocess.Popen(
        command,
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(list(results.glob("logs-*/*.log"))) < len(SYSTEMS):
            assert time.monotonic() < deadline, "the systems did not start"
            assert harness.poll() is None
            time.sleep(0.2)
        time.sleep(1.0)
        harness.send_signal(signal.SIGINT)
        _, errors = harness.communicate(timeout=60)
    finally:
        if harness.poll() is None:  # failed: stop its servers too (each in a group of its own)
            for child in children_of(harness.pid):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child, signal.SIGKILL)
            harness.kill()
    assert harness.returncode == 130
    assert "processes left behind: none" in errors
    assert processes_mentioning(str(tmp_path)) == []


def test_stopping_every_server_waits_for_them_together(tmp_path: Path) -> None:
    # Servers that ignore SIGTERM: each is killed after the grace period, all in one period.
    registry = ProcessRegistry(tmp_path / "logs")
    stubborn = (
        "import signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "print('up', flush=True); time.sleep(120)"
    )
    started = [
        registry.spawn(f"stubborn-{index}", [sys.executable, "-c", stubborn]) for index in range(3)
    ]
    deadline = time.monotonic() + 30
    while not all(process.log_path.read_text().startswith("up") for process in started):
        assert time.monotonic() < deadline, "the stubborn processes did not start"
        time.sleep(0.05)
    began = time.monotonic()
    registry.stop_all(grace=2.0)
    elapsed = time.monotonic() - began
    assert registry.leftovers() == []
    assert registry.processes == []
    assert all(process.popen.returncode == -signal.SIGKILL for process in started)
    assert elapsed < 5.0  # one grace period for the three, not three in a row (6 s)


def test_the_peers_description_query_gives_chavas_statements(tmp_path: Path) -> None:
    """benchmarks/queries/describe/describe.rq is what chava's /id/... Turtle contains."""
    dataset = ensure_dataset(tmp_path, size="10k", cities=1, seed=3)
    registry = ProcessRegistry(tmp_path / "logs")
    kinds = ("/id/tool/", "/id/event/", "/id/membership/", "/id/body/", "/id/person/")
    iris = [iri for iri in resource_iris(dataset) if any(kind in iri for kind in kinds)]
    servers: list[Running] = []
    try:
        for system in (ChavaServer(dataset), OxigraphServer(dataset)):
            system.prepare()
            servers.append(run.start(system, registry, Options())[0])
        for iri in sample_iris(iris, count=10, seed=1):
            chava, oxigraph = (turtle_statements(server, iri) for server in servers)
            assert chava == oxigraph, iri
    finally:
        for server in servers:
            server.client.close()
        registry.stop_all()
    assert registry.leftovers() == []


def turtle_statements(server: Running, iri: str) -> set[str]:
    """The canonical N-Triples lines of a server's Turtle description of *iri*."""
    request = server.system.describe(iri, "turtle")
    assert request is not None
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    connection.request("GET", request.path, headers=request.headers)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status == 200, body[:200]
    parsed = ox.parse(body, format=ox.RdfFormat.TURTLE, base_iri=iri)
    dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in parsed)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return {str(quad) for quad in dataset}


class _Ok(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        body = b"ok" if self.path != "/missing" else b"no"
        self.send_response(200 if self.path != "/missing" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def test_python_load_generator_is_bounded_in_count() -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Ok)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        paths = [Request(f"/{number}", {"Accept": "text/plain"}) for number in range(40)]
        result = run_python(port, paths, connections=2, seconds=10, max_requests=40)
        assert result.requests == 40
        assert result.errors == 0
        assert result.requests_per_second > 0
        missing = run_python(
            port, [Request("/missing", {})], connections=2, seconds=0.5, max_requests=4
        )
        assert missing.errors == 4
        assert missing.statuses == "404:4"
    finally:
        server.shutdown()
        server.server_close()


def test_validation_tables_measure_compare_and_harvest(tmp_path: Path) -> None:
    """The identity and harvest tables on small data (the full run uses 100k)."""
    from benchmarks import validation

    dataset = ensure_dataset(tmp_path / "data", size="10k", cities=None, seed=1)
    identical = validation.identity_table(dataset, ["oxigraph", "pyshacl"], timeout=120, step=7)
    assert [row[3] for row in identical.plain_rows] == ["yes", "yes"]
    assert int(identical.plain_rows[0][2]) >= 50  # 30 French labels gone, 20 untagged
    registry = ProcessRegistry(tmp_path / "logs")
    try:
        harvested = validation.harvest_table(
            tmp_path / "data", registry, seed=1, timeout=120, size="10k"
        )
    finally:
        registry.stop_all()
    assert registry.leftovers() == []
    (row,) = harvested.plain_rows
    assert int(row[0].replace(",", "")) > 9_000, row
    assert harvested.notes[0].startswith("bar: a 10k harvest in ")


def test_every_system_starts_with_its_files_read_once(tmp_path: Path) -> None:
    """A store kept from an earlier run is read before its server starts (the page cache), like
    a store just written: first requests compare servers, not disks."""
    dataset = ensure_dataset(tmp_path, size="10k", cities=1, seed=3)
    system = ChavaServer(dataset)
    assert system.data_folders() == [system.build_dir]
    (system.build_dir / "store").mkdir(parents=True)
    (system.build_dir / "store" / "000001.sst").write_bytes(b"x" * 3000)
    (system.build_dir / "index.sqlite").write_bytes(b"y" * 500)
    (system.build_dir / "link").symlink_to(system.build_dir / "index.sqlite")
    assert run.warm_files([*system.data_folders(), tmp_path / "missing"]) == 3500
    assert OxigraphServer(dataset).data_folders() == [dataset.work_dir / "oxigraph"]
