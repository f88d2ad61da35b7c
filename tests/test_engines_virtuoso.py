"""chava on a real Virtuoso 7 (Debian's virtuoso-opensource): published through its Digest
endpoint, served with `store_url`, every page and API answer diffed against the embedded store.

The server's row cap (ResultSetMaxRows) is set to 1,000 here, below the bundled build's 4,902
statements, so every read that needs more is paged.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from chava.building.builds import Build
from chava.cli import cli
from chava.config import Settings
from chava.errors import RemoteSourceError
from chava.network.publish_remote import push_build
from chava.stores.remote_store import RemoteStore, open_remote
from chava.web.app import create_app
from tests.engine_diff_support import FORMATS, differences, resource_paths, two_clients
from tests.virtuoso_server import DBA_PASSWORD, VirtuosoServer, virtuoso_server

pytestmark = pytest.mark.server

MAX_ROWS = 1_000
TOOL = "https://w3id.org/chava/id/tool/aide-memoire"
API_PATHS = (
    "/api/tools?limit=100",
    "/api/actors?limit=100",
    "/api/search?q=charleroi&limit=100",
    "/api/search?q=atelier",
    "/api/themes",
    "/.well-known/void",
    "/",
    "/classes",
)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), max_rows=MAX_ROWS) as server:
        yield server


@pytest.fixture(scope="module")
def published(
    bundled_build: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> tuple[Settings, Build]:
    """The bundled build pushed through the CLI, with Digest credentials from the settings."""
    settings, build = bundled_build
    environment = {
        "CHAVA_BUILD_DIR": str(settings.build_path),
        "CHAVA_PUBLISH_USER": "dba",
        "CHAVA_PUBLISH_PASSWORD": DBA_PASSWORD,
    }
    runner = CliRunner()
    command = ["--root", str(settings.root), "publish", "--to", virtuoso.store, "--full"]
    first = runner.invoke(cli, command, env=environment)
    assert first.exit_code == 0, first.output
    graphs = len([name for name in build.manifest["graphs"] if name])
    assert f"{graphs} sent" in first.stdout
    again = runner.invoke(cli, command[:-1], env=environment)
    assert again.exit_code == 0, again.output
    assert "0 sent" in again.stdout
    assert f"{graphs} unchanged" in again.stdout
    return settings, build


def test_publishing_through_digest_with_wrong_credentials_fails_in_one_line(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, _build = published
    outcome = CliRunner().invoke(
        cli,
        ["--root", str(settings.root), "publish", "--to", virtuoso.store, "--full"],
        env={
            "CHAVA_BUILD_DIR": str(settings.build_path),
            "CHAVA_PUBLISH_USER": "dba",
            "CHAVA_PUBLISH_PASSWORD": "not-the-password",
        },
    )
    assert outcome.exit_code == 2
    assert outcome.stderr.count("\n") == 1
    assert "401" in outcome.stderr
    assert "not-the-password" not in outcome.stderr


def test_the_engine_is_detected_with_its_row_cap(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, build = published
    store = open_remote(dataclasses.replace(settings, store_url=virtuoso.query), build)
    assert store.config.engine == "virtuoso"
    assert store.config.max_rows == MAX_ROWS
    assert not store.config.union  # Virtuoso's own graphs are there too
    local = ox.Store.read_only(str(build.store_path))
    everything = list(store.quads_for_pattern(None, None, None, None))
    assert len(everything) == len(local) > MAX_ROWS  # paged under the cap, nothing lost


def test_every_resource_and_api_answer_is_the_embedded_stores(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, build = published
    paths = resource_paths(settings, build)
    assert len(paths) > 150
    with two_clients(settings, build, virtuoso.query) as (local, remote):
        assert differences(local, remote, paths, accepts=("text/turtle",)) == []
        # Every third resource in the other formats too (all of them: same answer, more time).
        assert differences(local, remote, paths[::3], accepts=FORMATS[1:]) == []
        assert differences(local, remote, API_PATHS, accepts=("application/ld+json",)) == []
        assert differences(local, remote, ("/", "/classes"), accepts=("text/html",)) == []


def test_search_counts_the_same(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, build = published
    with two_clients(settings, build, virtuoso.query) as (local, remote):
        for query in ("charleroi", "atelier", "formation", "a"):
            mine = local.get(f"/api/search?q={query}").get_json()
            theirs = remote.get(f"/api/search?q={query}").get_json()
            assert theirs["totalItems"] == mine["totalItems"], query


def test_construct_as_turtle_ask_and_booleans(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, build = published
    with two_clients(settings, build, virtuoso.query) as (local, remote):
        construct = f"CONSTRUCT {{ <{TOOL}> ?p ?o }} WHERE {{ <{TOOL}> ?p ?o }}"
        answers = [
            client.post("/sparql", data={"query": construct}, headers={"Accept": "text/turtle"})
            for client in (local, remote)
        ]
        assert [answer.status_code for answer in answers] == [200, 200]
        assert answers[1].mimetype == "text/turtle"
        graphs = [
            {quad.triple for quad in ox.parse(answer.get_data(), format=ox.RdfFormat.TURTLE)}
            for answer in answers
        ]
        assert graphs[0]
        assert graphs[0] == graphs[1]
        for query, expected in (
            (f"ASK {{ <{TOOL}> ?p ?o }}", True),
            ("ASK { <https://example.org/nothing> ?p ?o }", False),
        ):
            answer = remote.post(
                "/sparql",
                data={"query": query},
                headers={"Accept": "application/sparql-results+json"},
            )
            assert answer.get_json()["boolean"] is expected
        select = (
            "SELECT ?s (EXISTS { ?s a ?t } AS ?typed) (BOUND(?s) AS ?bound) ?unique WHERE { "
            "?s <http://www.w3.org/ns/shacl#uniqueLang> ?unique FILTER(isIRI(?s)) } ORDER BY ?s"
        )
        rows = [
            client.post(
                "/sparql",
                data={"query": select},
                headers={"Accept": "application/sparql-results+json"},
            ).get_json()["results"]["bindings"]
            for client in (local, remote)
        ]
        assert rows[0]
        assert rows[1] == rows[0]
        assert rows[1][0]["typed"]["value"] == "true"
        assert rows[1][0]["bound"]["value"] == "true"
        assert rows[1][0]["unique"]["value"] == "true"
        assert rows[1][0]["unique"]["datatype"].endswith("#boolean")


def test_blank_nodes_come_back_as_blank_nodes(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, build = published
    app = create_app(dataclasses.replace(settings, store_url=virtuoso.query), build=build)
    answer = app.test_client().post(
        "/sparql",
        data={"query": "SELECT ?b ?p WHERE { ?s ?p ?b FILTER(isBlank(?b)) } LIMIT 5"},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    bindings = answer.get_json()["results"]["bindings"]
    assert bindings
    assert all(row["b"]["type"] == "bnode" for row in bindings)
    assert not any("nodeID://" in json.dumps(row) for row in bindings)


def test_separate_read_and_write_credentials(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer, tmp_path: Path
) -> None:
    settings, build = published
    virtuoso.add_user("chava_reader", "read-secret", "SPARQL_SELECT")
    virtuoso.add_user("chava_writer", "write-secret", "SPARQL_SELECT", "SPARQL_UPDATE")
    reader = dataclasses.replace(
        settings,
        store_url=virtuoso.query_auth,
        store_user="chava_reader",
        store_password="read-secret",
        store_auth="digest",
    )
    store = open_remote(reader, build)
    assert isinstance(store, RemoteStore)
    assert list(store.quads_for_pattern(ox.NamedNode(TOOL), None, None))
    writer = dataclasses.replace(
        settings, publish_user="chava_writer", publish_password="write-secret"
    )
    assert push_build(build, virtuoso.store, writer, full=True).sent
    wrong = dataclasses.replace(settings, publish_user="chava_reader", publish_password="x")
    with pytest.raises(RemoteSourceError, match=r"401|403"):
        push_build(build, virtuoso.store, wrong, full=True)
    anonymous = dataclasses.replace(settings, store_url=virtuoso.query_auth)
    with pytest.raises(Exception, match="401"):
        open_remote(anonymous, build)


def test_the_engine_down_gives_502_at_once(
    bundled_build: tuple[Settings, Build], tmp_path: Path
) -> None:
    settings, build = bundled_build
    with virtuoso_server(tmp_path / "down") as server:
        writer = dataclasses.replace(settings, publish_user="dba", publish_password=DBA_PASSWORD)
        push_build(build, server.store, writer, full=True)
        app = create_app(dataclasses.replace(settings, store_url=server.query), build=build)
        client = app.test_client()
        query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}
        assert client.get("/sparql", query_string=query).status_code == 200
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=20)
        for path in (
            "/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D",
            "/id/tool/aide-memoire",
        ):
            answer = client.get(path, headers={"Accept": "application/json"})
            assert answer.status_code in (502, 503), answer.get_data(as_text=True)
            assert int(answer.headers["Retry-After"]) >= 1
        time.sleep(0.1)
        fast = time.monotonic()
        assert client.get("/id/org/ville-de-charleroi").status_code in (502, 503)
        assert time.monotonic() - fast < 2.0  # the breaker answers, nothing waits


def test_a_query_given_up_is_stopped_by_virtuoso_itself(
    published: tuple[Settings, Build], virtuoso: VirtuosoServer
) -> None:
    settings, build = published
    patient = dataclasses.replace(settings, store_url=virtuoso.query, sparql_timeout=3.0)
    client = create_app(patient, build=build).test_client()
    # Two patterns, a string test per pair: cheap to plan (under Virtuoso's cost limit),
    # minutes to run.
    heavy = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
        'FILTER(STR(?c) = CONCAT(STR(?f), "x")) }'
    )
    answer = client.post("/sparql", data={"query": heavy}, headers={"Accept": "application/json"})
    assert answer.status_code == 504, answer.get_data(as_text=True)
    assert "Retry-After" in answer.headers
    time.sleep(1.0)  # its own limit (the `timeout` chava sent) is over
    before = _cpu_seconds(virtuoso.process.pid)
    time.sleep(1.5)
    assert _cpu_seconds(virtuoso.process.pid) - before < 0.5  # idle: the query was stopped


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
