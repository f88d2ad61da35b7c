"""The external links of the bundled publication and the VoID linksets that describe them."""

from __future__ import annotations

import pyoxigraph as ox

from chava import namespaces
from chava.building.builds import Build
from chava.config import Settings
from chava.loading.sources import REFERENCE_GRAPH
from chava.stores.store import PublishedStore

LINKS = ox.NamedNode(namespaces.LINKS_GRAPH)
REFERENCE = ox.NamedNode(REFERENCE_GRAPH)
DATASET = namespaces.DATASET_IRI
REIFIED_PARTS = ("subject", "predicate", "object")
PLACE = ox.NamedNode(namespaces.SCHEMA + "Place")
PREFIXES = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in namespaces.PREFIXES.items())


def _links(store: PublishedStore) -> list[ox.Quad]:
    """The links proper: statements about our things, not the reification or the graph's own."""
    return [
        quad
        for quad in store.quads(graph=LINKS)
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(namespaces.ID)
    ]


def test_every_link_has_its_provenance(bundled_build: tuple[Settings, Build]) -> None:
    store = PublishedStore(bundled_build[1])
    links = _links(store)
    assert links
    solutions = store.query(
        PREFIXES + "SELECT ?s ?p ?o ?source WHERE { GRAPH graph:links { ?statement a "
        "rdf:Statement ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; dcterms:source "
        "?source } }",
    )
    assert isinstance(solutions, ox.QuerySolutions)
    sourced = {(row["s"], row["p"], row["o"]) for row in solutions}
    assert {(quad.subject, quad.predicate, quad.object) for quad in links} <= sourced


def test_no_same_as_to_a_place_or_outside_the_links_graph(
    bundled_build: tuple[Settings, Build],
) -> None:
    """Only in the links graph, or the shared reference data (UNESCO's Wikidata item)."""
    store = PublishedStore(bundled_build[1])
    for predicate in (namespaces.OWL + "sameAs", namespaces.SCHEMA + "sameAs"):
        for quad in store.quads(predicate=ox.NamedNode(predicate)):
            assert quad.graph_name in (LINKS, REFERENCE), quad
            for end in (quad.subject, quad.object):
                assert isinstance(end, ox.NamedNode)
                assert not list(store.quads(end, ox.NamedNode(namespaces.RDF + "type"), PLACE))


def test_void_has_one_linkset_per_target_and_predicate(
    bundled_build: tuple[Settings, Build],
) -> None:
    store = PublishedStore(bundled_build[1])
    solutions = store.query(
        PREFIXES + f"SELECT ?linkset ?predicate ?count ?space WHERE {{ ?linkset a void:Linkset ; "
        f"void:subjectsTarget <{DATASET}> ; void:linkPredicate ?predicate ; void:triples ?count ; "
        "void:objectsTarget [ a void:Dataset ; void:uriSpace ?space ] }",
    )
    assert isinstance(solutions, ox.QuerySolutions)
    found = {
        (row["predicate"].value, int(row["count"].value), row["space"].value)
        for row in solutions
        if row["predicate"] is not None and row["count"] is not None and row["space"] is not None
    }
    expected_counts: dict[tuple[str, str], int] = {}
    for quad in _links(store):
        if isinstance(quad.object, ox.NamedNode) and quad.predicate.value != (
            namespaces.RDF + "type"
        ):
            space = next(space for _p, _c, space in found if quad.object.value.startswith(space))
            key = (quad.predicate.value, space)
            expected_counts[key] = expected_counts.get(key, 0) + 1
    assert {(p, c, s) for (p, s), c in expected_counts.items()} == found
    # The shared network's links (UNESCO's Wikidata item, the GNLC's SDGs) are the shared
    # vocabulary's, not this dataset's: they ship in the reference graph.
    assert (namespaces.LC + "namedAfter", 1, namespaces.WD) in found
    assert not any(space == namespaces.SDG for _p, _c, space in found)
    # reification and provenance are not links
    predicates = {predicate for predicate, _count, _space in found}
    for part in REIFIED_PARTS:
        assert namespaces.RDF + part not in predicates
    assert namespaces.DCTERMS + "source" not in predicates
    assert namespaces.PROV + "wasDerivedFrom" not in predicates
