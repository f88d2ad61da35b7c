"""Serving from an external SPARQL 1.1 engine (`chava serve --store URL`), on a real Oxigraph
server: the adapter's terms and datasets, the start-up check, a real `chava serve --store`, and
the resource, JSON-LD and SPARQL test modules re-run unchanged against the engine."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from chava import formats
from chava.building.builds import Build
from chava.cli import cli
from chava.config import Settings
from chava.describe import describe_resource
from chava.errors import ConfigError, StoreError
from chava.network.publish_remote import push_build
from chava.sparql.contract import QueryJob
from chava.sparql.pool import QueryPool
from chava.sparql.worker import check_syntax
from chava.stores.remote_engines.auth import Credentials
from chava.stores.remote_store import RemoteConfig, RemoteStore, RemoteTriples, open_remote
from chava.stores.store import PublishedStore
from tests.oxigraph_server import OxigraphServer, free_port, oxigraph_server
from tests.remote_store_support import ENGINE, VARIABLE, VIRTUOSO
from tests.serve_support import chava_serve
from tests.virtuoso_server import require_virtuoso

pytestmark = pytest.mark.server

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOOL = "https://w3id.org/chava/id/tool/aide-memoire"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RERUN = (
    "tests/test_resources.py",
    "tests/test_jsonld_api.py",
    "tests/test_jsonld_profiles.py",
    "tests/test_sparql_web.py",
    "tests/test_sparql_endpoint.py",
    "tests/test_sparql_w3c_protocol.py",
    "tests/test_sparql_catalogue.py",
    "tests/test_sparql_replay.py",
    "tests/test_pages.py",
    "tests/test_links.py",
)
"""Modules whose apps all read from an Oxigraph server under CHAVA_TEST_STORE=oxigraph-server."""
RERUN_VIRTUOSO = (
    "tests/test_jsonld_api.py",
    "tests/test_sparql_endpoint.py",
    "tests/test_sparql_w3c_protocol.py",
)
"""The representative subset re-run on Virtuoso (CHAVA_TEST_STORE=virtuoso), to keep the suite's
time modest: every resource page, the API and search are diffed against the embedded store in
tests/test_engines_virtuoso.py; the whole list passes too (`CHAVA_TEST_STORE=virtuoso pytest`
with RERUN's modules)."""


@pytest.fixture(scope="module")
def engine(
    bundled_build: tuple[Settings, Build], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[OxigraphServer]:
    """An Oxigraph server holding the bundled build (pushed by `chava publish --to`'s code)."""
    settings, build = bundled_build
    with oxigraph_server(tmp_path_factory.mktemp("engine"), union_default_graph=False) as server:
        push_build(build, server.store, settings)
        yield server


@pytest.fixture(scope="module")
def remote(bundled_build: tuple[Settings, Build], engine: OxigraphServer) -> RemoteStore:
    settings, build = bundled_build
    return open_remote(dataclasses.replace(settings, store_url=engine.query), build)


@pytest.fixture(scope="module")
def local(bundled_build: tuple[Settings, Build]) -> ox.Store:
    return ox.Store.read_only(str(bundled_build[1].store_path))


def _without_blank_nodes(quads: Iterator[ox.Quad]) -> set[ox.Quad]:
    return {
        quad
        for quad in quads
        if not isinstance(quad.subject, ox.BlankNode) and not isinstance(quad.object, ox.BlankNode)
    }


def test_patterns_read_the_same_exact_terms_as_the_local_store(
    remote: RemoteStore, local: ox.Store
) -> None:
    everything = list(remote.quads_for_pattern(None, None, None, None))
    expected = list(local.quads_for_pattern(None, None, None, None))
    assert len(everything) == len(expected)
    # Language tags, datatypes and IRIs come back exactly (blank-node labels differ by engine).
    assert _without_blank_nodes(iter(everything)) == _without_blank_nodes(iter(expected))
    tool = ox.NamedNode(TOOL)
    label = ox.NamedNode(RDFS_LABEL)
    assert set(remote.quads_for_pattern(tool, label, None, None)) == set(
        local.quads_for_pattern(tool, label, None, None)
    )
    french = ox.Literal("Aide-mémoire", language="fr")
    assert {quad.subject for quad in remote.quads_for_pattern(None, label, french)} == {tool}
    assert not list(remote.quads_for_pattern(tool, None, None, ox.DefaultGraph()))


def test_blank_nodes_are_followed_from_the_statements_naming_them(
    remote: RemoteStore, local: ox.Store
) -> None:
    blanks = [
        quad
        for quad in remote.quads_for_pattern(None, None, None)
        if isinstance(quad.object, ox.BlankNode)
    ]
    assert blanks, "the bundled build has blank nodes"
    local_blank_quads = sum(
        1
        for quad in local.quads_for_pattern(None, None, None)
        if isinstance(quad.subject, ox.BlankNode)
    )
    named = {quad.object for quad in blanks if isinstance(quad.object, ox.BlankNode)}
    followed = {inner for blank in named for inner in remote.quads_for_pattern(blank, None, None)}
    assert followed
    assert len(followed) <= local_blank_quads
    assert all(quad.subject in {blank.object for blank in blanks} for quad in followed)


def test_a_description_reads_its_linked_resources_in_one_request(
    bundled_build: tuple[Settings, Build],
    engine: OxigraphServer,
    local: ox.Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The labels and types of every IRI a resource links to come from one request, and those
    of the predicates and classes it shows from another (they took one request each), and the
    description is the one the embedded store gives."""
    settings, build = bundled_build
    remote = open_remote(dataclasses.replace(settings, store_url=engine.query), build)
    asked: list[str] = []
    answer = remote.answer

    def counted(query: str, **options: object) -> object:
        asked.append(query)
        return answer(query, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(remote, "answer", counted)
    iri = "https://w3id.org/chava/id/organization/territoires-de-la-memoire"
    described = describe_resource(PublishedStore(build, store=remote), iri)  # type: ignore[arg-type]
    expected = describe_resource(PublishedStore(build, store=local), iri)
    linked = {key for key in expected.types if key != iri}
    assert len(linked) > 3
    assert described.labels == expected.labels
    assert described.types == expected.types
    assert set(described.context) == set(expected.context)
    # The resource's statements, its incoming page, its linked IRIs, the labels of the
    # predicates and classes it shows: 37 requests before, one per IRI and term.
    assert len(asked) <= 4, asked


def test_queries_see_the_union_of_the_build_graphs_or_the_graphs_asked(
    remote: RemoteStore, local: ox.Store
) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    union = remote.query(count, use_default_graph_as_union=True)
    assert isinstance(union, ox.QuerySolutions)
    expected = local.query(count, use_default_graph_as_union=True)
    assert isinstance(expected, ox.QuerySolutions)
    assert next(iter(union))["n"] == next(iter(expected))["n"]
    graph = ox.NamedNode("https://w3id.org/chava/graph/ontology")
    one = remote.query(count, default_graph=[graph])
    assert isinstance(one, ox.QuerySolutions)
    alone = local.query(count, default_graph=[graph])
    assert isinstance(alone, ox.QuerySolutions)
    ontology_count = next(iter(one))["n"]
    assert ontology_count == next(iter(alone))["n"]
    everything = local.query(count, use_default_graph_as_union=True)
    assert isinstance(everything, ox.QuerySolutions)
    assert ontology_count != next(iter(everything))["n"]
    asked = remote.query(f"ASK {{ <{TOOL}> ?p ?o }}", use_default_graph_as_union=True)
    assert isinstance(asked, ox.QueryBoolean)
    assert bool(asked)
    described = remote.query(f"DESCRIBE <{TOOL}>", use_default_graph_as_union=True)
    assert isinstance(described, RemoteTriples)
    triples = list(described)
    assert (
        ox.Triple(
            ox.NamedNode(TOOL), ox.NamedNode(RDFS_LABEL), ox.Literal("Aide-mémoire", language="en")
        )
        in triples
    )
    assert described.serialize(format=ox.RdfFormat.N_TRIPLES) == ox.serialize(
        triples, format=ox.RdfFormat.N_TRIPLES
    )


def test_the_start_up_check_refuses_an_engine_without_the_build(
    bundled_build: tuple[Settings, Build], tmp_path: Path
) -> None:
    settings, build = bundled_build
    with (
        oxigraph_server(tmp_path / "empty", union_default_graph=False) as empty,
        pytest.raises(StoreError, match="does not hold this build"),
    ):
        open_remote(dataclasses.replace(settings, store_url=empty.query), build)
    down = f"http://127.0.0.1:{free_port()}/query"
    with pytest.raises(StoreError, match="connection refused"):
        open_remote(dataclasses.replace(settings, store_url=down), build)


def test_serve_store_exits_in_one_line_when_the_engine_lacks_the_build(
    bundled_build: tuple[Settings, Build], tmp_path: Path
) -> None:
    settings, _build = bundled_build
    with oxigraph_server(tmp_path / "empty", union_default_graph=False) as empty:
        outcome = CliRunner().invoke(
            cli,
            ["--root", str(PROJECT_ROOT), "serve", "--no-validate", "--store", empty.query],
            env={"CHAVA_BUILD_DIR": str(settings.build_path)},
        )
    assert outcome.exit_code == 2
    message = outcome.output.strip()
    assert "does not hold this build" in message
    assert "\n" not in message


def test_query_workers_read_the_engine_and_get_credentials_on_stdin(
    remote: RemoteStore,
) -> None:
    config = dataclasses.replace(
        remote.config, credentials=Credentials("reader", "secret-pw", scheme="basic")
    )
    assert RemoteConfig.from_dict(config.as_dict()) == config
    pool = QueryPool(Path("/nonexistent"), size=1, timeout=30, remote=config)
    try:
        job = QueryJob(
            f"SELECT ?o WHERE {{ <{TOOL}> <{RDFS_LABEL}> ?o }}",
            formats.TSV,
            limit=100,
            max_bytes=1 << 20,
            union=True,
        )
        outcome = pool.execute(job)
        assert '"Aide-mémoire"@fr' in outcome.body.decode()
        for pid in pool.worker_pids():
            assert b"secret-pw" not in Path(f"/proc/{pid}/cmdline").read_bytes()
            # Isolated: the worker reaches the engine only through its parent (chava.sparql.egress)
            assert Path(f"/proc/{pid}/ns/net").readlink() != Path("/proc/self/ns/net").readlink()
    finally:
        pool.close()


def test_chava_serve_store_answers_from_the_engine(tmp_path: Path) -> None:
    root = PROJECT_ROOT
    environment = {"CHAVA_BUILD_DIR": str(tmp_path / "builds")}
    runner = CliRunner()
    built = runner.invoke(cli, ["--root", str(root), "build", "--no-validate"], env=environment)
    assert built.exit_code == 0, built.output
    with oxigraph_server(tmp_path / "engine", union_default_graph=False) as engine:
        pushed = runner.invoke(
            cli, ["--root", str(root), "publish", "--to", engine.store], env=environment
        )
        assert pushed.exit_code == 0, pushed.output
        # Only the engine has this label (same triple count, so the build still matches).
        response = requests.post(
            engine.update,
            data=(
                f"DELETE {{ GRAPH ?g {{ <{TOOL}> <{RDFS_LABEL}> ?old }} }} "
                f'INSERT {{ GRAPH ?g {{ <{TOOL}> <{RDFS_LABEL}> "Only in the engine"@en }} }} '
                f'WHERE {{ GRAPH ?g {{ <{TOOL}> <{RDFS_LABEL}> ?old FILTER(lang(?old) = "en") }} }}'
            ).encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=30,
        )
        response.raise_for_status()
        options = ("--workers", "1", "--no-validate", "--store", engine.query)
        with chava_serve(root, *options, environment=environment, startup_seconds=60) as base:
            turtle = requests.get(
                base + "/id/tool/aide-memoire", headers={"Accept": "text/turtle"}, timeout=30
            )
            assert turtle.status_code == 200
            graph = {quad.triple for quad in ox.parse(turtle.content, format=ox.RdfFormat.TURTLE)}
            engine_label = ox.Literal("Only in the engine", language="en")
            assert ox.Triple(ox.NamedNode(TOOL), ox.NamedNode(RDFS_LABEL), engine_label) in graph
            tools = requests.get(base + "/api/tools?limit=100&lang=en", timeout=30).json()
            labels = {item["id"]: item["label"] for item in tools["items"]}
            assert "Only in the engine" in str(labels)
            query = f"SELECT ?label WHERE {{ <{TOOL}> <{RDFS_LABEL}> ?label "
            query += 'FILTER(lang(?label) = "en") }'
            answer = requests.get(
                base + "/sparql",
                params={"query": query},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            )
            assert answer.status_code == 200
            bindings = answer.json()["results"]["bindings"]
            assert [row["label"]["value"] for row in bindings] == ["Only in the engine"]


@pytest.mark.parametrize(("engine", "modules"), [(ENGINE, RERUN), (VIRTUOSO, RERUN_VIRTUOSO)])
def test_the_serving_test_modules_pass_unchanged_against_the_engine(
    tmp_path: Path, engine: str, modules: tuple[str, ...]
) -> None:
    """Re-run the resource, JSON-LD and SPARQL modules with every app on an external engine."""
    if engine == VIRTUOSO:
        require_virtuoso()
    environment = {**os.environ, VARIABLE: engine}
    inner = tmp_path / "inner"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"]
    finished = subprocess.run(
        [*command, f"--basetemp={inner}", *modules],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
    assert " passed" in finished.stdout
    assert "failed" not in finished.stdout
    # The apps did read from engines: one engine was started per build served.
    assert len(list((inner / "engines0").glob("engine-*"))) >= 2


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("SELECT * WHERE {\n  ?s ?p \n}", "3:"),
        ("ASK { ?s ?p ?o }", None),
        # ASK is evaluated when parsed: a SERVICE call is left to the engine, never made here.
        ("ASK { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "calls-service"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(1/0) }", None),
    ],
)
def test_worker_syntax_check_before_the_engine(query: str, error: str | None) -> None:
    if error == "calls-service":
        check_syntax(query, None, calls_service=True)  # the screen says so: not evaluated here
    elif error is None:
        check_syntax(query, None)
    else:
        with pytest.raises(SyntaxError, match=error):
            check_syntax(query, None)


def test_a_build_with_a_default_graph_is_refused(
    bundled_build: tuple[Settings, Build], engine: OxigraphServer
) -> None:
    settings, build = bundled_build
    with_default = dataclasses.replace(
        build, manifest={**build.manifest, "graphs": {**build.manifest["graphs"], "": 2}}
    )
    with pytest.raises(StoreError, match="default graph"):
        open_remote(dataclasses.replace(settings, store_url=engine.query), with_default)


def test_credentials_in_the_store_url_are_refused(bundled_build: tuple[Settings, Build]) -> None:
    settings, build = bundled_build
    leaky = dataclasses.replace(settings, store_url="http://reader:secret@127.0.0.1:1/query")
    with pytest.raises(ConfigError, match="credentials in store_url refused"):
        open_remote(leaky, build)
