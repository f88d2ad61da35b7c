"""SDG goals and targets: http and https forms accepted, the UN KOS's http form published."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.building.build import build_dataset, build_publication
from chava.config import Settings
from chava.loading import sdg
from chava.loading.sources import (
    IMPORTS_GRAPH,
    REFERENCE_GRAPH,
    Publication,
    load_files,
    load_publication,
)
from chava.stores.store import PublishedStore
from chava.validation.validate import ValidationReport, validate_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CITY = "https://kaupunki.example.org/id/"
CONTRIBUTES = ox.NamedNode(namespaces.LC + "contributesToSDG")
PREFIXES = f"""
@prefix lc:      <https://w3id.org/learning-city/def/core#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix id:      <{CITY}> .
"""


def network(*sdgs: str) -> str:
    """A network contributing to *sdgs*, with its described source: otherwise conforming."""
    goals = " , ".join(f"<{iri}>" for iri in sdgs)
    return PREFIXES + (
        'id:source\\/s a lc:SourceDocument ; rdfs:label "S"@fr , "S"@en ; dcterms:title "S" ;'
        ' dcterms:language "fi" .\n'
        "id:organization\\/n a lc:Network , org:OrganizationalCollaboration ;"
        f' rdfs:label "Verkosto"@fr , "Network"@en ; dcterms:source id:source\\/s ;'
        f" lc:contributesToSDG {goals} .\n"
    )


@pytest.fixture(scope="module")
def profile() -> tuple[ox.Quad, ...]:
    keep = {namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH, namespaces.SHAPES_GRAPH, REFERENCE_GRAPH}
    return tuple(
        quad
        for quad in load_publication(PROJECT_ROOT).quads
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in keep
    )


def validate(profile: tuple[ox.Quad, ...], turtle: str) -> ValidationReport:
    """Parsed without chava's loader: the profile itself must accept both forms."""
    graph = ox.NamedNode(namespaces.ASSERTED_GRAPH)
    data = tuple(
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE)
    )
    return validate_publication(Publication(profile + data, (), {}))


@pytest.mark.parametrize(
    "iri",
    [
        "http://metadata.un.org/sdg/4",
        "https://metadata.un.org/sdg/4",
        "http://metadata.un.org/sdg/17",
        "http://metadata.un.org/sdg/4.3",
        "https://metadata.un.org/sdg/4.3",
        "http://metadata.un.org/sdg/11.7",
        "http://metadata.un.org/sdg/4.a",
    ],
)
def test_goals_and_targets_in_both_forms_are_accepted(
    profile: tuple[ox.Quad, ...], iri: str
) -> None:
    report = validate(profile, network(iri))
    assert report.results == (), report.results


@pytest.mark.parametrize(
    "iri",
    [
        "http://metadata.un.org/sdg/18",
        "http://metadata.un.org/sdg/0",
        "http://metadata.un.org/sdg/4.0",
        "http://metadata.un.org/sdg/4.3.1",
        "http://metadata.un.org/sdg/",
        "ftp://metadata.un.org/sdg/4",
        "https://example.org/sdg/4",
    ],
)
def test_other_iris_are_refused(profile: tuple[ox.Quad, ...], iri: str) -> None:
    report = validate(profile, network(iri))
    assert {(r.path, r.constraint) for r in report.results} == {
        (namespaces.LC + "contributesToSDG", namespaces.SH + "PatternConstraintComponent")
    }


def test_normalise_iri() -> None:
    assert sdg.normalise_iri("https://metadata.un.org/sdg/4.3") == "http://metadata.un.org/sdg/4.3"
    assert sdg.normalise_iri("http://metadata.un.org/sdg/4") == "http://metadata.un.org/sdg/4"
    assert sdg.normalise_iri("https://example.org/sdg/4") == "https://example.org/sdg/4"


def test_files_are_read_with_the_http_form(tmp_path: Path) -> None:
    path = tmp_path / "network.ttl"
    path.write_text(network("https://metadata.un.org/sdg/4.3"), encoding="utf-8")
    values = {q.object for q in load_files([path]).quads if q.predicate == CONTRIBUTES}
    assert values == {ox.NamedNode("http://metadata.un.org/sdg/4.3")}


def sdg_values(store: PublishedStore) -> set[str]:
    return {quad.object.value for quad in store.quads(predicate=CONTRIBUTES)}  # type: ignore[union-attr]


@pytest.mark.slow
def test_a_publication_written_with_https_is_published_with_http(tmp_path: Path) -> None:
    root = tmp_path / "kaupunki"
    for folder in ("ontology", "shapes"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    (root / "data").mkdir()
    (root / "data" / "network.ttl").write_text(
        network("https://metadata.un.org/sdg/4", "https://metadata.un.org/sdg/11.7"), "utf-8"
    )
    settings = Settings.load(
        root=root, environ={}, overrides={"data_base_iri": "https://kaupunki.example.org/"}
    )
    store = PublishedStore(build_publication(settings))
    assert {"http://metadata.un.org/sdg/4", "http://metadata.un.org/sdg/11.7"} <= sdg_values(store)
    assert not any(value.startswith(sdg.VARIANT) for value in sdg_values(store))


@pytest.mark.slow
def test_a_dataset_written_with_https_is_published_with_http(tmp_path: Path) -> None:
    graph = f"<{CITY}graph/asserted>"
    target = "<https://metadata.un.org/sdg/4.3>"
    nquads = tmp_path / "data.nq"
    nquads.write_text(
        f"<{CITY}organization/n> <{CONTRIBUTES.value}> {target} {graph} .\n"
        f'<https://metadata.un.org/sdg/4.3> <{namespaces.RDFS}label> "Cible 4.3"@fr {graph} .\n'
        f"<{CITY}organization/m> <{CONTRIBUTES.value}> <https://metadata.un.org/sdg/5> .\n",
        encoding="utf-8",
    )
    settings = Settings.load(root=PROJECT_ROOT, environ={}, overrides={"build_dir": tmp_path})
    store = PublishedStore(build_dataset(settings, [nquads], validate=False))
    assert sdg_values(store) == {"http://metadata.un.org/sdg/4.3", "http://metadata.un.org/sdg/5"}
    subjects = {
        quad.subject for quad in store.quads(predicate=ox.NamedNode(namespaces.RDFS + "label"))
    }
    assert subjects == {ox.NamedNode("http://metadata.un.org/sdg/4.3")}
