"""`chava harvest`: a real Oxigraph server as the partner, misbehaving sources, atomic files."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from chava import namespaces
from chava.building.build import build_publication
from chava.building.builds import Build
from chava.cli import cli
from chava.config import Settings
from chava.errors import ConfigError, RemoteSourceError
from chava.generate import cities_for_size, generate_chunks
from chava.network.harvest import harvest, harvest_graph, quarantine_graph
from chava.network.scaffold import scaffold_publication
from chava.stores.store import PublishedStore
from tests.app_support import new_app
from tests.hostile_server import hostile_server
from tests.oxigraph_server import OxigraphServer, free_port, oxigraph_server

PARTNER = "https://partner.example.org/"
PROV = namespaces.PROV
FAST = {"remote_connect_timeout": 1.0, "remote_read_timeout": 0.5, "remote_max_bytes": 5_000_000}
BROKEN_GROUPS = (
    "https://partner.example.org/id/group/culture",
    "https://partner.example.org/id/group/sport",
)
BROKEN = "".join(
    f"<{iri}> <{namespaces.RDF}type> <{namespaces.LC}WorkingGroup> .\n"
    f"<{iri}> <{namespaces.RDF}type> <{namespaces.ORG}OrganizationalUnit> .\n"
    f'<{iri}> <{namespaces.RDFS}label> "Gruppe" .\n'
    f"<{iri}> <{namespaces.ORG}memberDuring> _:period{number} .\n"
    f'_:period{number} <{namespaces.RDFS}label> "Zeitraum"@de .\n'
    for number, iri in enumerate(BROKEN_GROUPS)
)


def _partner_data(cities: int) -> bytes:
    return "".join(generate_chunks(cities=cities, base_iri=PARTNER)).encode()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A partner's endpoint: two generated cities plus two working groups that break rules."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        server.load(_partner_data(2))
        server.load(BROKEN.encode(), "application/n-triples")
        yield server


@pytest.fixture
def settings(project_root: Path, tmp_path: Path) -> Settings:
    """A freshly scaffolded city publication that harvests its partners."""
    root = scaffold_publication(
        tmp_path / "city", "Exampleville", profile_root=project_root, languages=("fr", "en")
    ).root
    overrides = {**FAST, "remote_max_bytes": 100_000_000, "build_dir": tmp_path / "build"}
    return Settings.load(root=root, environ={}, overrides=overrides)


def _dataset(path: Path) -> ox.Store:
    store = ox.Store()
    store.extend(ox.parse(path=path, format=ox.RdfFormat.TRIG))
    return store


def _values(dataset: ox.Store, subject: str, predicate: str) -> set[str]:
    return {
        quad.object.value
        for quad in dataset.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
        if not isinstance(quad.object, ox.Triple)
    }


def test_harvest_publishes_conforming_resources_and_quarantines_the_rest(
    settings: Settings, endpoint: OxigraphServer
) -> None:
    result = harvest(endpoint.query, partner="partner-city", settings=settings)
    assert result.path == settings.root / "data" / "harvest" / "partner-city.trig"
    assert result.quarantined_resources == BROKEN_GROUPS
    assert result.quarantined_triples == 10  # 4 per group + the blank period under each
    expected = len(set(ox.parse(_partner_data(2), format=ox.RdfFormat.N_QUADS)))
    assert result.published_triples == expected
    assert result.triples_read == expected + 10
    dataset = _dataset(result.path)
    harvested = ox.NamedNode(harvest_graph(settings, "partner-city"))
    quarantined = ox.NamedNode(quarantine_graph(settings, "partner-city"))
    in_quarantine = {
        quad.subject.value
        for quad in dataset.quads_for_pattern(None, None, None, quarantined)
        if isinstance(quad.subject, ox.NamedNode) and "/group/" in quad.subject.value
    }
    assert in_quarantine == set(BROKEN_GROUPS)
    for group in BROKEN_GROUPS:
        assert not list(dataset.quads_for_pattern(ox.NamedNode(group), None, None, harvested))
    report = ox.NamedNode(quarantined.value + "/report")
    messages = [
        quad
        for quad in dataset.quads_for_pattern(
            None, ox.NamedNode(namespaces.SH + "resultMessage"), None
        )
        if quad.graph_name == report
    ]
    assert any("Label without a language tag" in str(quad.object) for quad in messages)


def test_harvest_describes_itself_with_prov(settings: Settings, endpoint: OxigraphServer) -> None:
    result = harvest(endpoint.query, partner="partner-city", settings=settings)
    dataset = _dataset(result.path)
    activity = settings.data_base_iri + "id/harvest/partner-city"
    assert _values(dataset, activity, namespaces.RDF + "type") == {PROV + "Activity"}
    assert _values(dataset, activity, PROV + "used") == {endpoint.query}
    assert _values(dataset, activity, PROV + "wasAssociatedWith") == {
        settings.data_base_iri + "id/agent/chava"
    }
    (started,) = _values(dataset, activity, PROV + "startedAtTime")
    (ended,) = _values(dataset, activity, PROV + "endedAtTime")
    assert started <= ended
    graph = harvest_graph(settings, "partner-city")
    assert _values(dataset, graph, namespaces.VOID + "triples") == {str(result.published_triples)}
    quarantine = quarantine_graph(settings, "partner-city")
    assert _values(dataset, quarantine, namespaces.VOID + "entities") == {"2"}
    assert _values(dataset, endpoint.query, namespaces.VOID + "triples") == {
        str(result.triples_read)
    }


def test_reharvest_is_idempotent_and_leaves_one_file(
    settings: Settings, endpoint: OxigraphServer
) -> None:
    first = harvest(endpoint.query, partner="partner-city", settings=settings)
    before = _comparable(_dataset(first.path))
    second = harvest(endpoint.query, partner="partner-city", settings=settings)
    assert _comparable(_dataset(second.path)) == before
    assert [path.name for path in first.path.parent.iterdir()] == ["partner-city.trig"]


def _comparable(dataset: ox.Store) -> tuple[set[ox.Quad], int]:
    """Quads without blank nodes and times, and how many quads there are in all."""
    times = {PROV + "startedAtTime", PROV + "endedAtTime", namespaces.RDFS + "comment"}
    kept = {
        quad
        for quad in dataset
        if not isinstance(quad.subject, ox.BlankNode)
        and not isinstance(quad.object, ox.BlankNode)
        and quad.predicate.value not in times
    }
    return kept, len(dataset)


def test_the_build_publishes_the_harvested_graphs(
    settings: Settings, endpoint: OxigraphServer
) -> None:
    result = harvest(endpoint.query, partner="partner-city", settings=settings)
    build = build_publication(settings)  # validates: the quarantine is kept, not validated
    store = PublishedStore(build)
    harvested = ox.NamedNode(harvest_graph(settings, "partner-city"))
    published = sum(1 for _ in store.quads(graph=harvested))
    assert published >= result.published_triples
    group = ox.NamedNode(BROKEN_GROUPS[0])
    quarantine = ox.NamedNode(quarantine_graph(settings, "partner-city"))
    kept = ox.Store.read_only(str(build.store_path))  # the build keeps the quarantine ...
    assert list(kept.quads_for_pattern(group, None, None, quarantine))
    assert not list(store.quads(group))  # ... and no published read sees it
    assert build.manifest["withheld_graphs"] == [quarantine.value, quarantine.value + "/report"]
    client = new_app(settings, build=build).test_client()
    page = client.get("/harvest/", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Harvested partners" in text
    assert f"<code>{endpoint.query}</code>" in text
    assert f'<td class="number">{result.published_triples}</td>' in text
    assert f"<code>{BROKEN_GROUPS[0]}</code>" in text
    assert "Label without a language tag" in text
    french = client.get("/harvest/?lang=fr").get_data(as_text=True)
    assert "Moissonnage des partenaires" in french


def test_the_harvest_page_of_a_publication_without_partners(
    bundled_build: tuple[Settings, Build],
) -> None:
    client = new_app(bundled_build[0], build=bundled_build[1]).test_client()
    page = client.get("/harvest/?lang=en")
    assert page.status_code == 200
    assert "No partner harvested" in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "kind", "message"),
    [
        ("/slow", "sparql", "no answer within 0.5 s"),
        ("/slow.ttl", "dump", "no answer within 0.5 s"),
        ("/big.ttl", "dump", "52428800 bytes announced, more than 5000000"),
        ("/big-unannounced.ttl", "dump", "more than 5000000 bytes: refused"),
        ("/invalid.ttl", "dump", "not valid Turtle"),
        ("/html", "dump", "returned an HTML page, not RDF"),
        ("/html", "sparql", "not a SPARQL endpoint"),
        ("/redirect.ttl", "dump", "redirect to another host refused (http://localhost:"),
        ("/drip.ttl", "dump", "reply too slow"),
        ("/bomb.nt.gz", "dump", "more than 5000000 bytes once decompressed: refused"),
    ],
)
def test_a_misbehaving_source_fails_cleanly_and_changes_nothing(
    project_root: Path, tmp_path: Path, path: str, kind: str, message: str
) -> None:
    root = scaffold_publication(
        tmp_path / "city", "Exampleville", profile_root=project_root, languages=("fr", "en")
    ).root
    previous = root / "data" / "harvest" / "partner-city.trig"
    previous.parent.mkdir()
    previous.write_text("# the previous harvest\n", encoding="utf-8")
    environment = {f"CHAVA_{name.upper()}": str(value) for name, value in FAST.items()}
    with hostile_server() as base:
        started = time.monotonic()
        outcome = CliRunner().invoke(
            cli,
            [
                "--root",
                str(root),
                "harvest",
                base + path,
                "--partner",
                "partner-city",
                "--kind",
                kind,
            ],
            env=environment,
        )
    assert time.monotonic() - started < 10
    assert outcome.exit_code == 2, outcome.output
    assert outcome.stderr.count("\n") == 1, outcome.stderr
    assert message in outcome.stderr
    assert previous.read_text(encoding="utf-8") == "# the previous harvest\n"
    assert sorted(path.name for path in previous.parent.iterdir()) == ["partner-city.trig"]


def test_a_dead_source_and_bad_arguments_fail_cleanly(settings: Settings) -> None:
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(RemoteSourceError, match="connection refused"):
        harvest(dead, partner="partner-city", settings=settings)
    with pytest.raises(ConfigError, match="not an explicit http"):
        harvest("file:///etc/passwd", partner="partner-city", settings=settings)
    with pytest.raises(ConfigError, match="use a slug"):
        harvest("http://127.0.0.1/sparql", partner="../etc", settings=settings)
    assert not (settings.root / "data" / "harvest").exists()


@pytest.mark.parametrize("path", ["/redirect-same.ttl", "/valid.ttl.gz"])
def test_a_dump_redirected_on_its_host_or_gzipped_is_harvested(
    settings: Settings, path: str
) -> None:
    with hostile_server() as base:
        result = harvest(base + path, partner="dump-city", settings=settings)
    assert result.published_triples == 1
    assert result.quarantined_triples == 0


def test_statements_about_our_own_iris_are_quarantined(settings: Settings) -> None:
    with hostile_server() as base:
        result = harvest(base + "/trespass.ttl", partner="dump-city", settings=settings)
    assert result.quarantined_resources == (
        "https://example.org/exampleville/id/organization/ville",
        "https://w3id.org/learning-city/def/core#WorkingGroup",
    )
    assert result.published_triples == 1
    dataset = _dataset(result.path)
    harvested = ox.NamedNode(harvest_graph(settings, "dump-city"))
    hacked = ox.Literal("Hacked", language="fr")
    assert not list(dataset.quads_for_pattern(None, None, hacked, harvested))
    report = ox.NamedNode(quarantine_graph(settings, "dump-city") + "/report")
    messages = {
        str(quad.object.value)
        for quad in dataset.quads_for_pattern(None, None, None, report)
        if quad.predicate.value == namespaces.SH + "resultMessage"
        and isinstance(quad.object, ox.Literal)
    }
    assert any("a partner does not speak for us" in message for message in messages)


@pytest.mark.slow
@pytest.mark.skipif(
    not os.environ.get("CHAVA_TEST_BARS"),
    reason="timing bar (about a minute): run with CHAVA_TEST_BARS=1 on an idle machine",
)
def test_harvest_of_100k_triples_takes_under_30_seconds(settings: Settings, tmp_path: Path) -> None:
    with oxigraph_server(tmp_path / "big") as server:
        server.load(_partner_data(cities_for_size("100k")))
        result = harvest(server.query, partner="big-city", settings=settings)
    seconds = (result.ended - result.started).total_seconds()
    assert result.triples_read > 90_000
    assert seconds < 30, f"harvest of {result.triples_read} triples took {seconds:.1f} s"
