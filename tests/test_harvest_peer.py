"""Harvesting a real chava peer: its data, not our shared vocabulary; its broken resources kept out.

The peer is a city scaffolded with `chava init`'s code, with generated data, a tool breaking the
profile and three statements changing the shared vocabulary, built and served by the real
`chava serve`. The harvester (another scaffolded city) harvests it from its SPARQL endpoint and
from its dump, builds, and is itself served by the real `chava serve` (and once from an Oxigraph
server, as `chava serve --store` would): the quarantined resources are on `/harvest/` and in
their named graphs only.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest
import requests

from chava import namespaces
from chava.building.build import build_publication
from chava.building.builds import Build
from chava.config import Settings
from chava.generate import generate_chunks
from chava.loading.rdf_input import rdf_format_of
from chava.network.harvest import HarvestResult, harvest, quarantine_graph
from chava.network.publish_remote import push_build
from chava.network.scaffold import scaffold_publication
from chava.stores.remote_store import open_remote
from chava.stores.store import PublishedStore
from tests.app_support import new_app
from tests.oxigraph_server import oxigraph_server
from tests.serve_support import chava_serve, serve_bundled

LC = namespaces.LC
PEER = "https://example.org/peerville/"
BROKEN_TOOL = PEER + "id/tool/zyxbroken"
NEW_TERM = LC + "ZyxExtension"
PEER_CLASS = PEER + "def/Gadget"
RELABELLED = LC + "PedagogicalTool"
GNLC = namespaces.VOCABULARY_BASE + "id/organization/gnlc"
FINNISH_NAME = "Oppivien kaupunkien verkosto"
PEER_FILE = f"""\
@prefix lc: <{LC}> .
@prefix owl: <{namespaces.OWL}> .
@prefix rdfs: <{namespaces.RDFS}> .

<{GNLC}> rdfs:label "{FINNISH_NAME}"@fi , "Zyx network"@en .

<{BROKEN_TOOL}> a lc:PedagogicalTool ;
    rdfs:label "Zyxbroken Werkzeug"@de .

lc:ZyxExtension a owl:Class ; rdfs:subClassOf lc:PedagogicalTool .
<{PEER_CLASS}> a owl:Class ; rdfs:subClassOf lc:PedagogicalTool .
lc:PedagogicalTool rdfs:label "Zyx relabelled tool"@en .
"""
"""A tool labelled in German only without a source, kind or availability (violations), a new
term in the shared namespace, the peer's own class made a sub-class of a shared one, a shared
class relabelled; a shared resource (the GNLC) named in Finnish (an addition) and renamed in
English (a relabelling)."""
ENVIRONMENT = {"CHAVA_REMOTE_READ_TIMEOUT": "30"}
SERVE = ("--workers", "1", "--threads", "4", "--no-validate")


@dataclass(frozen=True)
class Network:
    """The peer's URL, the harvester's settings, its harvests and its build."""

    peer: str
    settings: Settings
    by_endpoint: HarvestResult
    by_dump: HarvestResult
    build: Build


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory, project_root: Path) -> Iterator[Network]:
    folder = tmp_path_factory.mktemp("network")
    peer = scaffold_publication(folder / "peer", "Peerville", profile_root=project_root).root
    generated = "".join(generate_chunks(cities=1, base_iri=PEER))
    (peer / "data" / "generated.nq").write_text(generated, encoding="utf-8")
    (peer / "data" / "zyx.ttl").write_text(PEER_FILE, encoding="utf-8")
    city = scaffold_publication(folder / "city", "Exampleville", profile_root=project_root).root
    settings = Settings.load(root=city, environ={}, overrides={"build_dir": folder / "city-build"})
    peer_environment = {"CHAVA_BUILD_DIR": str(folder / "peer-build")}
    with chava_serve(peer, *SERVE, environment=peer_environment) as base:
        by_endpoint = harvest(base + "/sparql", partner="peerville", settings=settings)
        dump_root = scaffold_publication(folder / "other", "Otherville", profile_root=project_root)
        dump_settings = Settings.load(root=dump_root.root, environ={})
        by_dump = harvest(base + "/dumps/chava.nq.gz", partner="peerville", settings=dump_settings)
        build = build_publication(settings)  # validated: the harvest never blocks it
        yield Network(base, settings, by_endpoint, by_dump, build)


def shared_terms(result: HarvestResult, settings: Settings) -> set[str]:
    return {
        iri
        for iri in result.quarantined_resources
        if iri.startswith(settings.vocabulary_base_iri) or iri.startswith("http://www.w3.org/")
    }


@pytest.mark.parametrize("how", ["by_endpoint", "by_dump"])
def test_nothing_of_the_shared_vocabulary_is_quarantined(network: Network, how: str) -> None:
    result: HarvestResult = getattr(network, how)
    # The peer's copies of the ontology, the profile and the reused vocabularies are ours:
    # left out, counted, not quarantined; only the two shared terms it changed are reported.
    assert result.shared_vocabulary > 1500
    assert shared_terms(result, network.settings) == {NEW_TERM, RELABELLED, GNLC}
    assert result.reasons[NEW_TERM] == (
        "Étend le vocabulaire partagé (non publié) : rdf:type owl:Class; rdfs:subClassOf "
        "lc:PedagogicalTool / Extends the shared vocabulary (not published): rdf:type "
        "owl:Class; rdfs:subClassOf lc:PedagogicalTool",
    )
    (relabel,) = result.reasons[RELABELLED]
    assert relabel.startswith("Diffère du vocabulaire partagé (non publié) : rdfs:label")
    assert '"Zyx relabelled tool"@en (shared: "Pedagogical or cultural tool"@en)' in relabel
    assert any("Extends the shared vocabulary" in r for r in result.reasons[PEER_CLASS])
    assert any(
        "Missing source (dcterms:source, an IRI)" in reason
        for reason in result.reasons[BROKEN_TOOL]
    )
    # Judged by the shared profile, not by the harvester's languages (its own data needs French).
    assert not any("French" in reason for reason in result.reasons[BROKEN_TOOL])
    assert set(result.quarantined_resources) == {
        BROKEN_TOOL,
        NEW_TERM,
        PEER_CLASS,
        RELABELLED,
        GNLC,
    }
    (renamed,) = result.reasons[GNLC]
    assert '"Zyx network"@en (shared: "UNESCO Global Network of Learning Cities"@en)' in renamed
    (added,) = result.additions[GNLC]
    assert added.endswith(f'Adds to a shared resource (published): rdfs:label "{FINNISH_NAME}"@fi')
    assert result.published_triples > 1000


def test_the_peer_s_dataset_description_is_not_harvested(network: Network) -> None:
    skipped = {graph.iri: graph.kind for graph in network.by_endpoint.skipped_graphs}
    assert skipped == {"https://example.org/peerville/graph/metadata": "dataset description"}
    harvested = network.settings.root / "data" / "harvest" / "peerville.trig"
    text = harvested.read_text(encoding="utf-8")
    assert "void:classPartition" not in text
    assert "https://example.org/peerville/id/dataset/chava" not in text


def test_the_cli_lists_each_quarantined_resource_with_its_reasons(
    network: Network, tmp_path: Path, project_root: Path
) -> None:
    root = scaffold_publication(tmp_path / "cli", "Cliville", profile_root=project_root).root
    outcome = subprocess.run(
        [
            str(Path(sys.executable).parent / "chava"),
            "--root",
            str(root),
            "harvest",
            network.peer + "/sparql",
            "--partner",
            "peerville",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert outcome.returncode == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert lines[0].startswith("harvested peerville: ")
    assert any(
        line.startswith("  left out: ") and "identical to the shared vocabulary" in line
        for line in lines
    )
    for resource in (BROKEN_TOOL, NEW_TERM, PEER_CLASS, RELABELLED, GNLC):
        assert any(line.startswith(f"  quarantined <{resource}>: ") for line in lines), resource
    assert any(line.startswith(f"  adds to <{GNLC}>: ") for line in lines)


@pytest.fixture(scope="module")
def served(network: Network) -> Iterator[str]:
    """The harvester's build, served by the real `chava serve`."""
    environment = {"CHAVA_BUILD_DIR": str(network.settings.build_path)}
    with chava_serve(network.settings.root, *SERVE, environment=environment) as base:
        yield base


def text_of(url: str, **headers: str) -> str:
    reply = requests.get(url, headers=headers, timeout=60)
    assert reply.status_code == 200, (url, reply.status_code, reply.text[:300])
    return reply.text


def test_quarantined_resources_never_reach_the_api_search_or_pages(
    network: Network, served: str
) -> None:
    tools = requests.get(served + "/api/tools?limit=500", timeout=60).json()
    listed = [item["id"] for item in tools["items"]]
    assert any(iri.startswith("https://example.org/peerville/id/tool/") for iri in listed)
    assert BROKEN_TOOL not in json.dumps(tools)
    search = requests.get(served + "/api/search?q=zyxbroken", timeout=60).json()
    assert BROKEN_TOOL not in json.dumps(search)
    assert "Zyx" not in json.dumps(requests.get(served + "/api/search?q=zyx", timeout=60).json())
    for page in ("/", "/classes/", "/classes/lc:PedagogicalTool", "/portal/"):
        html = text_of(served + page, **{"Accept-Language": "en"})
        assert BROKEN_TOOL not in html, page
        assert "Zyx" not in html, page
    classes = text_of(served + "/classes/")
    assert "ValidationResult" not in classes
    void = text_of(served + "/.well-known/void", Accept="application/n-triples")
    assert "ValidationResult" not in void
    assert BROKEN_TOOL not in void


def test_the_dumps_hold_published_graphs_only(network: Network, served: str) -> None:
    quarantine = quarantine_graph(network.settings, "peerville")
    for dump in network.build.manifest["dumps"]:
        raw = requests.get(served + "/dumps/" + dump["name"], timeout=60).content
        data = gzip.decompress(raw) if dump["gzip"] else raw
        assert BROKEN_TOOL.encode() not in data, dump["name"]
        quads = list(ox.parse(data, format=rdf_format_of(dump["name"])))
        assert len(quads) > 1000
        assert not [q for q in quads if str(q.graph_name).startswith(f"<{quarantine}")]
        assert not [q for q in quads if q.object.value == namespaces.SH + "ValidationResult"]


def test_sparql_sees_the_quarantine_only_by_its_name(network: Network, served: str) -> None:
    quarantine = quarantine_graph(network.settings, "peerville")

    def ask(query: str) -> bool:
        reply = requests.get(
            served + "/sparql",
            params={"query": query},
            headers={"Accept": "application/sparql-results+json"},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text
        return bool(reply.json()["boolean"])

    assert not ask(f"ASK {{ <{BROKEN_TOOL}> ?p ?o }}")
    assert not ask(f"ASK {{ ?result a <{namespaces.SH}ValidationResult> }}")
    assert ask(f"ASK {{ GRAPH <{quarantine}> {{ <{BROKEN_TOOL}> ?p ?o }} }}")
    assert ask(
        f"ASK {{ GRAPH <{quarantine}/report> {{ ?r <{namespaces.SH}focusNode> <{BROKEN_TOOL}> }} }}"
    )
    assert ask(f'ASK {{ ?tool a <{LC}PedagogicalTool> FILTER(STRSTARTS(STR(?tool), "{PEER}")) }}')
    # An addition to a shared resource is published; a relabelling is not.
    assert ask(f'ASK {{ <{GNLC}> ?p "{FINNISH_NAME}"@fi }}')
    assert not ask(f'ASK {{ <{GNLC}> ?p "Zyx network"@en }}')


def test_the_harvest_page_lists_each_quarantined_resource_with_its_reasons(served: str) -> None:
    html = text_of(served + "/harvest/", **{"Accept-Language": "en"})
    for resource in (BROKEN_TOOL, NEW_TERM, PEER_CLASS, RELABELLED, GNLC):
        assert f"<code>{resource}</code>" in html
    assert "Missing source (dcterms:source, an IRI)" in html
    assert "Extends the shared vocabulary" in html
    assert "Differs from the shared vocabulary" in html
    assert "statements identical to the shared vocabulary: not harvested" in html
    assert "(dataset description, not read): not harvested" in html
    assert "Additions to shared resources (published)" in html
    assert FINNISH_NAME in html


def test_an_engine_serving_the_build_keeps_the_quarantine_out_too(
    network: Network, tmp_path: Path
) -> None:
    with oxigraph_server(tmp_path / "engine", union_default_graph=False) as server:
        push_build(network.build, server.store, network.settings)
        settings = dataclasses.replace(network.settings, store_url=server.query)
        store = PublishedStore(network.build, cast(ox.Store, open_remote(settings, network.build)))
        assert not list(store.quads(ox.NamedNode(BROKEN_TOOL)))
        app = new_app(settings, build=network.build)
        client = app.test_client()
        tools = client.get("/api/tools?limit=500").get_data(as_text=True)
        assert BROKEN_TOOL not in tools
        assert "https://example.org/peerville/id/" in tools
        assert BROKEN_TOOL not in client.get("/api/search?q=zyxbroken").get_data(as_text=True)
        assert BROKEN_TOOL not in client.get("/").get_data(as_text=True)
        assert "ValidationResult" not in client.get("/classes/").get_data(as_text=True)
        harvest_page = client.get("/harvest/?lang=en").get_data(as_text=True)
        assert f"<code>{BROKEN_TOOL}</code>" in harvest_page
        assert "Missing source (dcterms:source, an IRI)" in harvest_page


def test_a_broken_harvest_file_is_skipped_loudly_and_blocks_nothing(
    network: Network, tmp_path: Path, project_root: Path
) -> None:
    root = scaffold_publication(tmp_path / "city", "Skipville", profile_root=project_root).root
    folder = root / "data" / "harvest"
    harvest(
        network.peer + "/dumps/chava.nq.gz",
        partner="peerville",
        settings=Settings.load(root=root, environ={}),
    )
    # As an older chava wrote it: a partner's owl:imports made every later command fail.
    (folder / "rotten.trig").write_text(
        f"<{PEER}graph/x> {{ <{PEER}o> <{namespaces.OWL}imports> <https://vocab.example.org/> }}\n",
        encoding="utf-8",
    )
    (folder / "garbage.trig").write_text("this is { not TriG\n", encoding="utf-8")
    chava = str(Path(sys.executable).parent / "chava")
    environment = {"CHAVA_BUILD_DIR": str(tmp_path / "build"), "PATH": "/usr/bin:/bin"}
    built = subprocess.run(
        [chava, "--root", str(root), "build"],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    assert "SKIPPED harvested file" in built.stderr
    assert "rotten.trig" in built.stderr
    assert "garbage.trig" in built.stderr
    partner_file = tmp_path / "partner.ttl"
    partner_file.write_text(f'<{PEER}id/x> <{namespaces.RDFS}label> "X"@fr .\n', encoding="utf-8")
    for command in (
        ["validate", "--profile", str(partner_file)],
        ["validate"],
        ["harvest", str(partner_file), "--partner", "another"],
    ):
        checked = subprocess.run(
            [chava, "--root", str(root), *command],
            capture_output=True,
            text=True,
            timeout=300,
            env=environment,
            check=False,
        )
        assert checked.returncode in (0, 1), (command, checked.stderr)
        assert "Traceback" not in checked.stderr
    settings = Settings.load(root=root, environ={}, overrides={"build_dir": tmp_path / "build"})
    from chava.building.builds import current_build

    build = current_build(settings)
    assert [Path(entry["path"]).name for entry in build.manifest["skipped_files"]] == [
        "garbage.trig",
        "rotten.trig",
    ]
    client = new_app(settings, build=build).test_client()
    page = client.get("/harvest/?lang=en").get_data(as_text=True)
    assert "Harvested files the build skipped (unreadable)" in page
    assert "rotten.trig" in page
    assert "owl:imports" in page
    assert "peerville" in page
    tools = client.get("/api/tools?limit=500").get_data(as_text=True)
    assert "https://example.org/peerville/id/" in tools


@pytest.mark.parametrize("how", ["dump", "endpoint"])
def test_charleroi_is_harvested_with_nothing_quarantined(
    bundled_build: tuple[Settings, Build], tmp_path: Path, project_root: Path, how: str
) -> None:
    root = scaffold_publication(tmp_path / "city", "Exampleville", profile_root=project_root).root
    settings = Settings.load(root=root, environ={})
    if how == "dump":
        dump = bundled_build[1].dumps_path / "chava.nq.gz"
        result = harvest(str(dump), partner="charleroi", settings=settings)
    else:
        with serve_bundled(tmp_path / "charleroi-build") as base:
            result = harvest(base + "/sparql", partner="charleroi", settings=settings)
    assert result.quarantined_resources == ()
    assert result.shared_vocabulary > 2000
    assert result.published_triples > 1000
    # What Charleroi's seeds say of the shared GNLC is its data: published, and reported.
    assert any("Adds to a shared resource (published)" in m for m in result.additions[GNLC])
