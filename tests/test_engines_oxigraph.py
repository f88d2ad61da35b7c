"""chava on engines with generated data in many graphs (`chava generate`, `publish --data`):
answers diffed against the embedded store on the Oxigraph server and Virtuoso, two publications
sharing one engine, replicas, publishing in chunks, graphs dropped from a publication."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from chava.building.build_inputs import data_settings
from chava.building.builds import Build, current_build
from chava.cli import cli
from chava.config import Settings
from chava.network.publish_remote import push_build, state_file
from chava.stores.remote_store import open_remote
from tests.conftest import PROJECT_ROOT
from tests.engine_diff_support import differences, resource_paths, two_clients
from tests.oxigraph_server import oxigraph_server
from tests.virtuoso_server import DBA_PASSWORD, virtuoso_server

pytestmark = pytest.mark.server

BASE = "https://learning-cities.example.org/"
CITIES = 12
SAMPLE = 40
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
BLANKS = (
    "SELECT ?g (COUNT(DISTINCT ?b) AS ?n) "
    "WHERE { GRAPH ?g { ?b ?p ?o FILTER isBlank(?b) } } GROUP BY ?g"
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Build, Path]:
    """A generated dataset of CITIES cities (one graph each), built with `--data`."""
    folder = tmp_path_factory.mktemp("generated")
    data = folder / "cities.nq"
    runner = CliRunner()
    made = runner.invoke(cli, ["generate", "--cities", str(CITIES), "-o", str(data)])
    assert made.exit_code == 0, made.output
    settings = Settings.load(
        root=PROJECT_ROOT,
        environ={},
        overrides={
            "build_dir": folder / "build",
            "data_base_iri": BASE,
            "sparql_rate_limit": 0,
            "sparql_client_budget": 0,
        },
    )
    environment = {"CHAVA_BUILD_DIR": str(settings.build_path), "CHAVA_DATA_BASE_IRI": BASE}
    built = runner.invoke(
        cli,
        ["--root", str(PROJECT_ROOT), "build", "--no-validate", "--data", str(data)],
        env=environment,
    )
    assert built.exit_code == 0, built.output
    served = data_settings(settings, [data])
    build = current_build(served)
    assert len([name for name in build.manifest["graphs"] if name]) > CITIES
    return served, build, data


def _sample(settings: Settings, build: Build) -> list[str]:
    paths = resource_paths(settings, build)
    return sorted(random.Random(1).sample(paths, min(SAMPLE, len(paths))))


API = (
    "/api/tools?limit=100",
    "/api/actors?limit=50",
    "/api/search?q=centre&limit=100",
    "/api/search?q=a",
    "/.well-known/void",
    "/",
)


def test_publish_data_to_the_oxigraph_server_and_serve_it_the_same(
    generated: tuple[Settings, Build, Path], tmp_path: Path
) -> None:
    settings, build, data = generated
    with oxigraph_server(tmp_path / "engine", union_default_graph=False) as server:
        environment = {
            "CHAVA_BUILD_DIR": str(settings.build_path.parent),
            "CHAVA_DATA_BASE_IRI": BASE,
        }
        pushed = CliRunner().invoke(
            cli,
            ["--root", str(PROJECT_ROOT), "publish", "--to", server.store, "--data", str(data)],
            env=environment,
        )
        assert pushed.exit_code == 0, pushed.output
        counts = {row["g"]: int(row["n"]) for row in server.select(COUNTS)}
        assert counts == {name: count for name, count in build.manifest["graphs"].items() if name}
        store = open_remote(dataclasses.replace(settings, store_url=server.query), build)
        assert store.config.engine == "oxigraph"
        assert store.config.union  # it holds this build only: its own union, no graph listed
        with two_clients(settings, build, server.query) as (local, remote):
            assert differences(local, remote, _sample(settings, build)) == []
            assert differences(local, remote, API, accepts=("application/ld+json",)) == []


def test_virtuoso_serves_the_many_graphs_the_same(
    generated: tuple[Settings, Build, Path], tmp_path: Path
) -> None:
    settings, build, _data = generated
    with virtuoso_server(tmp_path / "virtuoso") as server:  # its usual cap: 10,000 rows
        writer = dataclasses.replace(settings, publish_user="dba", publish_password=DBA_PASSWORD)
        push_build(build, server.store, writer, full=True)
        with two_clients(settings, build, server.query) as (local, remote):
            assert differences(local, remote, _sample(settings, build)[:10]) == []
            assert differences(local, remote, API[:3], accepts=("application/ld+json",)) == []


def test_two_publications_share_one_engine(
    generated: tuple[Settings, Build, Path],
    bundled_build: tuple[Settings, Build],
    tmp_path: Path,
) -> None:
    settings, build, _data = generated
    bundled_settings, bundled = bundled_build
    with oxigraph_server(tmp_path / "shared", union_default_graph=False) as server:
        push_build(build, server.store, settings, full=True)
        push_build(bundled, server.store, bundled_settings, full=True)
        for each_settings, each_build in ((settings, build), (bundled_settings, bundled)):
            store = open_remote(
                dataclasses.replace(each_settings, store_url=server.query), each_build
            )
            assert not store.config.union  # the other's graphs are there: graphs are named
            with two_clients(each_settings, each_build, server.query) as (local, remote):
                assert differences(local, remote, API[:3], accepts=("application/ld+json",)) == []
                count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
                answers = [
                    client.get("/sparql", query_string={"query": count}).get_json()
                    for client in (local, remote)
                ]
                assert answers[0] == answers[1]


def test_replicas_share_the_reads_and_one_down_is_skipped(
    bundled_build: tuple[Settings, Build], tmp_path: Path
) -> None:
    settings, build = bundled_build
    with (
        oxigraph_server(tmp_path / "one", union_default_graph=False) as one,
        oxigraph_server(tmp_path / "two", union_default_graph=False) as two,
    ):
        for server in (one, two):
            push_build(build, server.store, settings, full=True)
        replicated = dataclasses.replace(settings, store_url=f"{one.query} {two.query}")
        with two_clients(settings, build, f"{one.query} {two.query}") as (local, remote):
            paths = resource_paths(settings, build)[:30]
            assert differences(local, remote, paths[:10], accepts=("text/turtle",)) == []
            assert one.process is not None
            one.process.kill()
            one.process.wait(timeout=10)
            assert differences(local, remote, paths[10:], accepts=("text/turtle",)) == []
            query = {"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1"}
            assert remote.get("/sparql", query_string=query).status_code == 200
        assert open_remote(replicated, build).config.urls == (one.query, two.query)


def test_large_graphs_go_in_chunks_without_splitting_blank_nodes(
    generated: tuple[Settings, Build, Path], tmp_path: Path
) -> None:
    settings, build, _data = generated
    small = dataclasses.replace(settings, publish_chunk_bytes=16 * 1024)
    local = ox.Store.read_only(str(build.store_path))
    expected_blanks = {
        str(row["g"].value): int(row["n"].value)
        for row in local.query(BLANKS)  # type: ignore[union-attr]
    }
    for protocol in ("gsp", "update"):
        with oxigraph_server(tmp_path / protocol, union_default_graph=False) as server:
            target = server.store if protocol == "gsp" else server.update
            result = push_build(build, target, small, protocol=protocol, full=True)
            assert result.requests > len(result.sent)  # several requests per graph
            counts = {row["g"]: int(row["n"]) for row in server.select(COUNTS)}
            assert counts == {name: n for name, n in build.manifest["graphs"].items() if name}
            blanks = {row["g"]: int(row["n"]) for row in server.select(BLANKS)}
            assert blanks == expected_blanks  # no blank node split in two


def test_a_graph_the_build_no_longer_has_is_dropped(
    generated: tuple[Settings, Build, Path], tmp_path: Path
) -> None:
    settings, build, _data = generated
    gone = BASE + "graph/city/gone"
    with oxigraph_server(tmp_path / "engine", union_default_graph=False) as server:
        push_build(build, server.store, settings, full=True)
        server.load(f"<{BASE}id/x> <{BASE}p> <{BASE}y> <{gone}> .\n".encode())
        path = state_file(build, server.store)
        state = json.loads(path.read_text())
        state["graphs"][gone] = {"sha256": "0", "triples": 1}
        path.write_text(json.dumps(state))
        result = push_build(build, server.store, settings)
        assert result.sent == ()
        assert result.dropped == (gone,)
        assert gone not in {row["g"] for row in server.select(COUNTS)}
        answer = requests.get(server.query, params={"query": "ASK { ?s ?p ?o }"}, timeout=30)
        assert answer.status_code == 200


def test_a_publication_pushed_later_never_shows_through_the_union(
    bundled_build: tuple[Settings, Build], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, build = bundled_build
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with oxigraph_server(tmp_path / "engine", union_default_graph=False) as server:
        push_build(build, server.store, settings, full=True)
        store = open_remote(dataclasses.replace(settings, store_url=server.query), build)
        assert store.config.union
        before = _count(store.query(count, use_default_graph_as_union=True))
        server.load(
            b'<https://other.example/a> <https://other.example/p> "1" <https://other.example/g> .\n'
        )
        monkeypatch.setattr("chava.stores.remote_store.GRAPHS_CHECK_SECONDS", 0.0)
        assert _count(store.query(count, use_default_graph_as_union=True)) == before


def _count(answer: object) -> int:
    assert isinstance(answer, ox.QuerySolutions)
    value = next(iter(answer))["n"]
    assert isinstance(value, ox.Literal)
    return int(value.value)
