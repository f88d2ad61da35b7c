"""Compaction: terms picked from the context, and expansion (pyld) gives back the same triples."""

from __future__ import annotations

import hashlib
from typing import Any

import pyoxigraph as ox
import pytest

from chava.building.builds import Build
from chava.config import Settings
from chava.jsonld.compact import compact_jsonld
from chava.jsonld.context import load_context
from chava.namespaces import PREFIXES
from chava.stores.store import PublishedStore
from tests.jsonld_support import CONTEXT_URL, canonical, expand_to_triples

V1_SHA256 = "a5850fac4e1a7b401301a28c997b73b75651ca768f8c7d682eef4a126ad464eb"
TURTLE_PREFIXES = """
@prefix schema: <http://schema.org/> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix lc: <https://w3id.org/learning-city/def/core#> . @prefix ex: <http://example.org/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""


def parse(turtle: str) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(TURTLE_PREFIXES + turtle, format=ox.RdfFormat.TURTLE)]


CASES = {
    "language map": (
        'ex:a schema:name "A"@fr, "B"@en, "C"@en .',
        {"name": {"fr": "A", "en": ["B", "C"]}},
    ),
    "untagged string in a language map": ('ex:a schema:name "A" .', {"name": {"@none": "A"}}),
    "link term": ("ex:a org:memberOf ex:b .", {"memberOf": "http://example.org/b"}),
    "set term is always an array": (
        "ex:a org:hasUnit ex:b .",
        {"hasUnit": ["http://example.org/b"]},
    ),
    "typed date": ('ex:a dcterms:date "2020-09-23"^^xsd:date .', {"date": "2020-09-23"}),
    "date of another type falls back": (
        'ex:a dcterms:date "2020-09"^^xsd:gYearMonth .',
        {"dcterms:date": {"@value": "2020-09", "@type": "xsd:gYearMonth"}},
    ),
    "literal on a link term falls back": ('ex:a org:memberOf "b" .', {"org:memberOf": "b"}),
    "iri on a text term falls back": (
        "ex:a schema:name ex:b .",
        {"schema:name": {"id": "http://example.org/b"}},
    ),
    "unknown predicate": (
        'ex:a ex:p "x"@fr .',
        {"http://example.org/p": {"@value": "x", "@language": "fr"}},
    ),
    "types": ("ex:a a lc:Theme, skos:Concept .", {"type": ["lc:Theme", "skos:Concept"]}),
    "embedded blank node": (
        'ex:a schema:contactPoint [ schema:email "x@example.org" ] .',
        {"contactPoint": {"email": "x@example.org"}},
    ),
}


@pytest.mark.parametrize(("turtle", "expected"), list(CASES.values()), ids=list(CASES))
def test_compaction_picks_terms_and_round_trips(turtle: str, expected: dict[str, Any]) -> None:
    triples = parse(turtle)
    document = compact_jsonld(triples, context_url=CONTEXT_URL)
    body = {key: value for key, value in document.items() if key not in ("@context", "id")}
    assert body == expected
    assert canonical(expand_to_triples(document)) == canonical(triples)


def test_shared_blank_nodes_and_cycles_keep_identifiers() -> None:
    triples = parse(
        "ex:a schema:about _:s . ex:b schema:about _:s . _:s schema:name 'S'@fr ."
        "_:x schema:about _:y . _:y schema:about _:x ."
        "ex:c org:linkedTo _:c . _:c org:linkedTo _:c ."
    )
    document = compact_jsonld(triples, context_url=CONTEXT_URL, root="http://example.org/b")
    assert document["@graph"][0]["id"] == "http://example.org/b"
    assert canonical(expand_to_triples(document)) == canonical(triples)


def test_every_resource_of_the_bundled_graph_round_trips(
    bundled_build: tuple[Settings, Build],
) -> None:
    """expand(compact(description)) is isomorphic to the description, for every subject."""
    _settings, build = bundled_build
    store = PublishedStore(build)
    subjects = {quad.subject for quad in store.quads() if isinstance(quad.subject, ox.NamedNode)}
    assert subjects, "the bundled graph is empty"
    context = load_context()
    for subject in sorted(subjects, key=lambda s: s.value):
        triples = _description(store, subject)
        document = compact_jsonld(
            triples, context_url=CONTEXT_URL, root=subject.value, context=context
        )
        assert canonical(expand_to_triples(document)) == canonical(triples), subject.value


def _description(store: PublishedStore, subject: ox.NamedNode) -> list[ox.Triple]:
    """The subject's triples and the closure of its blank nodes (the resource description)."""
    triples: list[ox.Triple] = []
    seen: set[Any] = set()
    pending: list[Any] = [subject]
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for quad in store.quads(node):
            triples.append(quad.triple)
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    return triples


def test_the_released_context_never_changes() -> None:
    """v1 is released: clients cache it forever. Add terms in a new version, never here."""
    raw = load_context("v1").raw
    assert hashlib.sha256(raw).hexdigest() == V1_SHA256


def test_the_context_declares_every_project_prefix() -> None:
    definitions = load_context().document["@context"]
    for prefix, namespace in PREFIXES.items():
        assert definitions[prefix] == namespace
    assert definitions["id"] == "@id"
    assert definitions["type"] == {"@id": "@type", "@container": "@set"}
