"""The build log, and each build's place in it on the dataset description (finding 11)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from flask import Flask

from chava import namespaces
from chava.building.build import build_publication
from chava.building.build_log import BUILD_LOG, LogEntry, append_entry, read_log
from chava.building.dataset_description import version_iri
from tests.app_support import new_app
from tests.build_support import write_version
from tests.publish_fixtures import publication_settings, write_publication

DATASET = "https://w3id.org/chava/id/dataset/chava"
DCAT = namespaces.DCAT
PROV = namespaces.PROV


def _objects(store: ox.Store, subject: str, predicate: str) -> set[str]:
    return {
        quad.object.value
        for quad in store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None)
        if not isinstance(quad.object, ox.Triple | ox.BlankNode)
    }


def _three_builds(tmp_path: Path) -> tuple[Path, list[str]]:
    root = write_publication(tmp_path)
    settings = publication_settings(root)
    ids = []
    for number in range(3):
        write_version(root, number)
        ids.append(build_publication(settings, validate=False).build_id)
    return root, ids


def test_each_build_made_current_is_logged_with_its_predecessor(tmp_path: Path) -> None:
    root, ids = _three_builds(tmp_path)
    settings = publication_settings(root)
    build_publication(settings, validate=False)  # unchanged: no new line
    entries = read_log(settings.build_path)
    assert [entry.build_id for entry in entries] == ids
    assert [entry.previous for entry in entries] == [None, ids[0], ids[1]]
    for entry in entries:
        assert entry.triples > 0
        assert entry.published >= entry.created
        names = {str(source["name"]) for source in entry.inputs}
        assert {"data/version.ttl", "ontology/core.ttl"} <= names
        assert all(len(str(source["sha256"])) == 64 for source in entry.inputs)
        assert entry.graphs
    raw = (settings.build_path / BUILD_LOG).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["build_id"] for line in raw] == ids


def test_a_build_made_current_again_is_logged_as_reused(tmp_path: Path) -> None:
    root, ids = _three_builds(tmp_path)
    settings = publication_settings(root)
    write_version(root, 1)  # back to the second build's inputs (kept as the previous one)
    assert build_publication(settings, validate=False).build_id == ids[1]
    last = read_log(settings.build_path)[-1]
    assert (last.build_id, last.previous, last.reused) == (ids[1], ids[2], True)


def test_a_cut_line_is_skipped_and_the_next_append_starts_a_new_line(tmp_path: Path) -> None:
    moment = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    append_entry(tmp_path, LogEntry("a" * 16, moment, moment, None, 10))
    with (tmp_path / BUILD_LOG).open("a", encoding="utf-8") as stream:
        stream.write('{"build_id": "cut sho')  # a crash in the middle of a write
    append_entry(tmp_path, LogEntry("b" * 16, moment, moment, "a" * 16, 11))
    assert [entry.build_id for entry in read_log(tmp_path)] == ["a" * 16, "b" * 16]


def test_the_dataset_description_links_each_build_to_the_previous_one(tmp_path: Path) -> None:
    root, ids = _three_builds(tmp_path)
    settings = publication_settings(root)
    store = ox.Store.read_only(str(settings.build_path / "current" / "store"))
    current, previous = version_iri(settings, ids[2]), version_iri(settings, ids[1])
    assert _objects(store, DATASET, DCAT + "hasCurrentVersion") == {current}
    assert _objects(store, DATASET, DCAT + "version") == {ids[2]}
    assert _objects(store, DATASET, DCAT + "previousVersion") == {previous}
    assert _objects(store, DATASET, PROV + "wasRevisionOf") == {previous}
    assert _objects(store, DATASET, DCAT + "hasVersion") == {version_iri(settings, i) for i in ids}
    assert _objects(store, current, DCAT + "previousVersion") == {previous}
    assert _objects(store, previous, PROV + "wasRevisionOf") == {version_iri(settings, ids[0])}
    assert _objects(store, version_iri(settings, ids[0]), DCAT + "previousVersion") == set()
    assert _objects(store, current, DCAT + "version") == {ids[2]}
    # The current build names its inputs and their SHA-256.
    manifest = json.loads((settings.build_path / "current" / "manifest.json").read_text())
    inputs = {str(entry["name"]): str(entry["sha256"]) for entry in manifest["inputs"]}
    derived = store.query(
        "SELECT ?name ?sha WHERE { GRAPH ?g { <"
        + current
        + "> <"
        + PROV
        + "wasDerivedFrom> ?input . ?input <http://purl.org/dc/terms/identifier> ?name ;"
        " <http://spdx.org/rdf/terms#checksum>/<http://spdx.org/rdf/terms#checksumValue> ?sha } }"
    )
    assert isinstance(derived, ox.QuerySolutions)
    found = {str(row["name"].value): str(row["sha"].value) for row in derived}
    assert found == inputs


def test_the_home_page_and_the_void_list_the_recent_builds(tmp_path: Path) -> None:
    root, ids = _three_builds(tmp_path)
    app: Flask = new_app(publication_settings(root))
    client = app.test_client()
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "Published builds" in home
    positions = [home.index(build_id) for build_id in reversed(ids)]
    assert positions == sorted(positions)  # newest first
    assert "(live)" in home
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    assert void.status_code == 200
    triples = list(ox.parse(void.data, format=ox.RdfFormat.TURTLE))
    previous = {
        triple.object.value
        for triple in triples
        if triple.predicate == ox.NamedNode(DCAT + "previousVersion")
        and triple.subject == ox.NamedNode(DATASET)
        and isinstance(triple.object, ox.NamedNode)
    }
    assert previous == {version_iri(publication_settings(root), ids[1])}
    page = client.get("/id/dataset/chava/build/" + ids[0], headers={"Accept": "text/turtle"})
    assert page.status_code == 200
