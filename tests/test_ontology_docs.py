"""The ontology documentation model: header, hierarchy, alignments, domains and ranges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.building.builds import Build
from chava.config import Settings
from chava.docs.ontology_docs import Alignment, OntologyDoc, document_ontology
from chava.stores.store import PublishedStore
from tests.pages_support import LC, memory_store

RDFS, SKOS, SCHEMA = namespaces.RDFS, namespaces.SKOS, namespaces.SCHEMA


@pytest.fixture
def doc(tmp_path: Path) -> OntologyDoc:
    return document_ontology(memory_store(tmp_path))


def test_header_gives_title_description_and_metadata(doc: OntologyDoc) -> None:
    assert doc.iri == "https://w3id.org/learning-city/def/core"
    assert doc.titles == {"fr": "Vocabulaire d'essai", "en": "Test vocabulary"}
    metadata = dict(doc.metadata)
    assert [value.text for value in metadata[namespaces.OWL + "versionInfo"]] == ["0.0.1"]
    # An anonymous creator is shown by its labels, not as a blank node id.
    (creator,) = metadata[namespaces.DCTERMS + "creator"]
    assert creator.texts == {"fr": "les auteurs", "en": "the authors"}
    # The title is the page heading: not repeated as metadata.
    assert namespaces.DCTERMS + "title" not in metadata


def test_classes_have_anchors_labels_and_hierarchy(doc: OntologyDoc) -> None:
    classes = {cls.anchor: cls for cls in doc.classes}
    assert set(classes) == {"Theme", "Tool", "GameTool"}
    assert classes["Theme"].labels == {"fr": "Thème", "en": "Theme"}
    assert classes["Theme"].comments == {"fr": "Un thème.", "en": "A theme."}
    assert classes["GameTool"].superclasses == (LC + "Tool",)
    assert classes["Tool"].subclasses == (LC + "GameTool",)
    assert [node.iri for node in doc.tree] == [LC + "Theme", LC + "Tool"]
    assert [child.iri for child in doc.tree[1].children] == [LC + "GameTool"]


def test_external_superclasses_and_matches_are_alignments(doc: OntologyDoc) -> None:
    classes = {cls.anchor: cls for cls in doc.classes}
    assert classes["Theme"].alignments == (Alignment(RDFS + "subClassOf", SKOS + "Concept"),)
    assert Alignment(SKOS + "closeMatch", SCHEMA + "Game") in classes["GameTool"].alignments


def test_properties_have_kind_domain_range_and_parents(doc: OntologyDoc) -> None:
    properties = {prop.anchor: prop for prop in doc.properties}
    about, level = properties["about"], properties["level"]
    assert about.kinds == ("object",)
    assert about.domains == ((LC + "Tool",),)
    assert about.ranges == ((LC + "Theme",),)  # schema:rangeIncludes counts as a range
    assert about.alignments == (Alignment(RDFS + "subPropertyOf", namespaces.DCTERMS + "subject"),)
    assert level.domains == ((LC + "Tool", LC + "Theme"),)  # an owl:unionOf
    assert level.ranges == ((namespaces.XSD + "integer",),)
    classes = {cls.anchor: cls for cls in doc.classes}
    assert classes["Tool"].properties == (LC + "about", LC + "level")
    assert classes["Theme"].used_by == (LC + "about",)


def test_labels_cover_the_terms_it_mentions(doc: OntologyDoc) -> None:
    assert doc.labels[LC + "Tool"]["en"] == "Tool"
    assert doc.labels[LC + "level"] == {"fr": "niveau"}


def test_empty_store_gives_an_empty_document(tmp_path: Path) -> None:
    store = PublishedStore(Build(tmp_path, "empty", datetime.now(UTC)), store=ox.Store())
    doc = document_ontology(store)
    assert (doc.iri, doc.classes, doc.properties, doc.tree) == (None, (), (), ())


def test_bundled_ontology_documents_every_declared_term(
    bundled_build: tuple[Settings, Build],
) -> None:
    _, build = bundled_build
    store = PublishedStore(build)
    doc = document_ontology(store)
    owl = namespaces.OWL
    solutions = store.query(
        f"SELECT ?term WHERE {{ GRAPH <{namespaces.ONTOLOGY_GRAPH}> {{ ?term a ?kind }} "
        f"FILTER(?kind IN (<{owl}Class>, <{owl}ObjectProperty>, <{owl}DatatypeProperty>)) }}"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    declared = {str(solution["term"].value) for solution in solutions}
    documented = {term.iri for term in (*doc.classes, *doc.properties)}
    assert declared == documented
    assert len({term.anchor for term in (*doc.classes, *doc.properties)}) == len(documented)
    for term in (*doc.classes, *doc.properties):
        assert {"fr", "en"} <= set(term.labels), term.iri
