"""The real `chava serve` (granian) as a subprocess on 127.0.0.1: resources, 304, `--data`."""

from __future__ import annotations

import gzip
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from chava.config import Settings
from chava.sparql.sizing import query_sizing
from tests.publish_fixtures import write_publication
from tests.serve_support import chava_serve

pytestmark = pytest.mark.server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
FIXTURES = PROJECT_ROOT.parent / "shared" / "fixtures"
SUPERVISOR = b"chava.web.supervisor"


def _serve(root: Path, *arguments: str) -> Iterator[str]:
    with chava_serve(root, "--workers", "1", *arguments, startup_seconds=60) as base:
        yield base


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = write_publication(tmp_path_factory.mktemp("publication"))
    yield from _serve(root, "--no-validate")


def test_a_resource_in_turtle_then_not_modified(server: str) -> None:
    with requests.Session() as session:
        response = session.get(server + "/id/tool/aide-memoire", headers={"Accept": "text/turtle"})
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/turtle; charset=utf-8"
        assert response.headers["Server"] == "granian"
        triples = list(ox.parse(response.content, format=ox.RdfFormat.TURTLE))
        assert ox.NamedNode("https://w3id.org/chava/id/tool/aide-memoire") in {
            triple.subject for triple in triples
        }
        again = session.get(
            server + "/id/tool/aide-memoire",
            headers={"Accept": "text/turtle", "If-None-Match": response.headers["ETag"]},
        )
        assert again.status_code == 304


def test_keep_alive_connections_are_reused(server: str) -> None:
    with requests.Session() as session:
        first = session.get(server + "/id/org/hub.nt")
        assert first.headers.get("Connection", "keep-alive").lower() == "keep-alive"
        assert session.get(server + "/id/org/hub.nt").status_code == 200


def test_data_option_serves_a_dataset_with_its_named_graphs(tmp_path: Path) -> None:
    fixture = FIXTURES / "w3c-protocol-dataset.nq"
    for base in _serve(tmp_path, "--data", str(fixture)):
        dump = requests.get(base + "/dumps/chava.nq.gz", timeout=10)
        assert dump.status_code == 200
        quads = list(ox.parse(gzip.decompress(dump.content), format=ox.RdfFormat.N_QUADS))
        graphs = {quad.graph_name for quad in quads}
        assert ox.NamedNode("http://kasei.us/2009/09/sparql/data/data1.rdf") in graphs
        assert len(quads) == 3
        void = requests.get(base + "/.well-known/void", headers={"Accept": "application/n-triples"})
        assert "http://kasei.us/2009/09/sparql/data/data2.rdf" in void.text


def test_dev_option_serves_with_flasks_development_server(tmp_path: Path) -> None:
    root = write_publication(tmp_path / "publication")
    with chava_serve(root, "--dev", "--no-validate", startup_seconds=60) as base:
        response = requests.get(
            base + "/id/tool/aide-memoire", headers={"Accept": "text/turtle"}, timeout=10
        )
    assert response.status_code == 200
    assert response.headers["Server"].startswith("Werkzeug")


def _live_processes() -> dict[int, tuple[int, list[bytes]]]:
    """pid -> (parent pid, command-line arguments) of every live (not zombie) process."""
    found: dict[int, tuple[int, list[bytes]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            found[int(entry.name)] = (int(fields[1]), arguments)
    return found


def _serving_processes(port: str) -> dict[int, int]:
    """pid -> parent pid of every live process started as `chava ... serve ... --port PORT`
    (which becomes `python -m chava.web.supervisor PLAN`, its web workers forking from it)."""
    return {
        pid: parent
        for pid, (parent, arguments) in _live_processes().items()
        if (b"serve" in arguments and port.encode() in arguments)
        or (SUPERVISOR in arguments and f'"port": {port},'.encode() in b" ".join(arguments))
    }


def _web_workers(port: str) -> set[int]:
    processes = _serving_processes(port)
    leaders = {pid for pid, parent in processes.items() if parent not in processes}
    return {pid for pid, parent in processes.items() if parent in leaders}


def test_a_web_worker_that_dies_is_replaced_and_the_server_keeps_answering(
    tmp_path: Path,
) -> None:
    """Without respawning, granian stops the whole server when one of its workers dies."""
    root = write_publication(tmp_path / "publication")
    with chava_serve(root, "--workers", "2", "--no-validate", startup_seconds=60) as base:
        port = base.rsplit(":", 1)[1]
        deadline = time.monotonic() + 30
        while len(workers := _web_workers(port)) < 2:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        victim = min(workers)
        while not (orphans := _query_workers({victim})):  # started with each web process
            assert time.monotonic() < deadline
            time.sleep(0.1)
        os.kill(victim, signal.SIGKILL)
        while len(replaced := _web_workers(port)) < 2 or victim in replaced:
            assert time.monotonic() < deadline, "the dead web worker was not replaced"
            time.sleep(0.1)
        while orphans & set(_live_processes()):  # their pipes closed: they exit on their own
            assert time.monotonic() < deadline, "the dead web worker's query workers live on"
            time.sleep(0.1)
        for _request in range(20):  # fresh connections reach both workers
            with requests.Session() as session:
                response = session.get(base + "/id/tool/aide-memoire.ttl", timeout=10)
            assert response.status_code == 200
        assert requests.get(base + "/sparql?query=ASK%7B%7D", timeout=10).status_code == 200


def _query_workers(parents: set[int]) -> set[int]:
    return {
        pid
        for pid, (parent, arguments) in _live_processes().items()
        if any(b"chava.sparql.worker" in argument for argument in arguments) and parent in parents
    }


def test_query_workers_are_ready_before_the_first_query(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    deadline = time.monotonic() + 30
    # The web worker (`--workers 1`) starts one query worker at once, the others on demand
    # (sparql_worker_idle_timeout); with the timeout at 0, as many as sized.
    expected = 1 if Settings().sparql_worker_idle_timeout else query_sizing(Settings()).workers
    while len(_query_workers(_web_workers(port))) < expected:
        assert time.monotonic() < deadline, "no query workers before the first query"
        time.sleep(0.05)


def test_the_supervisor_holds_granian_and_the_settings_only(server: str) -> None:
    """Issue 16 (memory): once the build is chosen, `chava serve` becomes granian's supervisor
    by exec (same process id): it no longer holds the CLI, the build code, pyoxigraph or the
    HTTP clients, and neither do the web workers forked from it before they import the app."""
    port = server.rsplit(":", 1)[1]
    processes = _serving_processes(port)
    leaders = [pid for pid, parent in processes.items() if parent not in processes]
    assert len(leaders) == 1, processes
    (leader,) = leaders
    arguments = Path(f"/proc/{leader}/cmdline").read_bytes().split(b"\0")
    assert SUPERVISOR in arguments
    libraries = Path(f"/proc/{leader}/maps").read_text()
    assert "_granian" in libraries
    for heavy in ("pyoxigraph", "_sqlite3"):
        assert heavy not in libraries, heavy
    assert _web_workers(port), "no web worker under the supervisor"
