"""Label fallbacks: chosen language, other configured ones, untagged, any, then the IRI."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.describe import describe_resource
from chava.jsonld.listing import build_index
from chava.labels import Label, fetch_labels, local_name, pick_label
from chava.search.text import query_words
from tests.pages_support import EVIL, ID, LC, memory_store

LANGUAGES = ("fr", "en")
IRI = "https://w3id.org/chava/id/theme/x"


@pytest.mark.parametrize(
    ("texts", "language", "expected"),
    [
        ({"fr": "Thème", "en": "Theme"}, "en", Label("Theme", "en")),
        ({"fr": "Thème", "en": "Theme"}, "fr", Label("Thème", "fr")),
        ({"fr": "Thème"}, "en", Label("Thème", "fr")),  # another configured language
        ({"en-GB": "Colour"}, "en", Label("Colour", "en-GB")),  # primary subtag matches
        ({"": "Sans langue", "de": "Thema"}, "en", Label("Sans langue", None)),  # untagged
        ({"de": "Thema", "nl": "Thema NL"}, "en", Label("Thema", "de")),  # any other, sorted
        ({}, "en", Label("chava:theme/x", None, is_iri=True)),  # compact IRI
    ],
)
def test_pick_label_falls_back_in_order(
    texts: dict[str, str], language: str, expected: Label
) -> None:
    assert pick_label(IRI, {IRI: texts}, language, LANGUAGES) == expected


def test_an_iri_no_prefix_covers_is_shown_whole() -> None:
    iri = "https://example.org/thing"
    assert pick_label(iri, {}, "fr", LANGUAGES) == Label(iri, None, is_iri=True)


def test_standard_terms_have_built_in_names() -> None:
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert pick_label(rdf_type, {}, "fr", LANGUAGES) == Label("type", "fr")
    min_count = "http://www.w3.org/ns/shacl#minCount"
    assert pick_label(min_count, {}, "en", LANGUAGES).text == "at least"


def test_store_labels_beat_built_in_names() -> None:
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    assert pick_label(rdf_type, {rdf_type: {"en": "is a"}}, "en", LANGUAGES).text == "is a"


@pytest.mark.parametrize(
    ("iri", "expected"),
    [(LC + "Theme", "Theme"), (ID + "tool/evil", "evil"), ("urn:x", "urn:x")],
)
def test_local_name(iri: str, expected: str) -> None:
    assert local_name(iri) == expected


def test_fetch_labels_reads_every_language_and_skips_unknown(tmp_path: Path) -> None:
    labels = fetch_labels(memory_store(tmp_path), [EVIL, ID + "theme/c", "bad iri>"])
    assert labels == {
        EVIL: {"fr": "<script>alert('x')</script> outil", "en": "Evil </script><!-- tool"}
    }


def test_pages_descriptions_and_the_api_name_a_resource_alike(tmp_path: Path) -> None:
    """Issue 15: one definition of a label; pages, resource descriptions and the API listings
    (and search) read the same predicates in the same order."""
    store = memory_store(tmp_path)
    named = ox.NamedNode(ID + "theme/named-by-shacl")
    mixed = ox.NamedNode(ID + "theme/named-many-ways")
    theme = ox.NamedNode(LC + "Theme")
    literal = ox.Literal
    rdf_type = ox.NamedNode(namespaces.RDF + "type")
    store.oxigraph.extend(
        ox.Quad(subject, predicate, value, ox.DefaultGraph())
        for subject, predicate, value in (
            (named, rdf_type, theme),
            (named, ox.NamedNode(namespaces.SH + "name"), literal("Nommé", language="fr")),
            (mixed, rdf_type, theme),
            (mixed, ox.NamedNode(namespaces.DCTERMS + "title"), literal("Titre", language="fr")),
            (mixed, ox.NamedNode(namespaces.SKOS + "prefLabel"), literal("Préféré", language="fr")),
            (mixed, ox.NamedNode(namespaces.SCHEMA + "name"), literal("Name", language="en")),
        )
    )
    expected = {named.value: {"fr": "Nommé"}, mixed.value: {"fr": "Préféré", "en": "Name"}}
    assert fetch_labels(store, expected) == expected  # pages
    for iri, labels in expected.items():
        assert describe_resource(store, iri).labels[iri] == labels  # resources, all formats
    index = build_index(store.oxigraph, LANGUAGES)  # the API's listings and search
    for iri, labels in expected.items():
        text = labels["fr"]
        answer = index.search(query_words(text), query=text, language="fr", facets=False)
        assert {hit.iri: dict(hit.labels) for hit in answer.hits}[iri] == labels
