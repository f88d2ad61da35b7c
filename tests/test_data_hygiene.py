"""Hygiene of the ontology and the data: types, labels, sources, languages, IRIs, no dangling
internal links, inferred facts kept in their graph, only verified external links published.

Checked on the graphs as written (no entailment): what a client that never loads the ontology
sees. The data graphs are asserted, inferred and links; other graphs (the query catalogue) are
owned and tested elsewhere.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava import namespaces
from chava.loading.sources import IMPORTS_GRAPH, REFERENCE_GRAPH, load_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_GRAPHS = (namespaces.ASSERTED_GRAPH, namespaces.INFERRED_GRAPH, namespaces.LINKS_GRAPH)
OUR_DATA_NAMESPACES = (namespaces.DATA_BASE, namespaces.VOCABULARY_BASE + "id/")
SHARED = namespaces.VOCABULARY_ID
ALLOWED_LANGUAGES = {"fr", "en"}
ONTOLOGY_IRI = namespaces.ONTOLOGY_IRI

RDF_TYPE = ox.NamedNode(namespaces.RDF + "type")
RDFS_LABEL = ox.NamedNode(namespaces.RDFS + "label")
RDFS_COMMENT = ox.NamedNode(namespaces.RDFS + "comment")
SUB_CLASS_OF = ox.NamedNode(namespaces.RDFS + "subClassOf")
SUB_PROPERTY_OF = ox.NamedNode(namespaces.RDFS + "subPropertyOf")
IS_DEFINED_BY = ox.NamedNode(namespaces.RDFS + "isDefinedBy")
PREF_LABEL = ox.NamedNode(namespaces.SKOS + "prefLabel")
SOURCE = ox.NamedNode(namespaces.DCTERMS + "source")
SOURCE_DOCUMENT = ox.NamedNode(namespaces.LC + "SourceDocument")
STATEMENT = ox.NamedNode(namespaces.RDF + "Statement")
OWL_CLASS = ox.NamedNode(namespaces.OWL + "Class")
LABEL_PROPERTIES = (RDFS_LABEL, PREF_LABEL)

Quads = list[ox.Quad]


@pytest.fixture(scope="module")
def graphs() -> dict[str, Quads]:
    """The quads of the bundled publication by named graph."""
    by_graph: dict[str, Quads] = defaultdict(list)
    for quad in load_publication(PROJECT_ROOT).quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            by_graph[quad.graph_name.value].append(quad)
    return dict(by_graph)


@pytest.fixture(scope="module")
def data(graphs: dict[str, Quads]) -> Quads:
    return [quad for name in DATA_GRAPHS for quad in graphs[name]]


@pytest.fixture(scope="module")
def reference(graphs: dict[str, Quads]) -> Quads:
    """The shared reference data (ontology/reference/): the network, Key Features, availability."""
    return graphs[REFERENCE_GRAPH]


def subjects(quads: Iterable[ox.Quad]) -> set[ox.NamedNode | ox.BlankNode]:
    return {q.subject for q in quads if isinstance(q.subject, ox.NamedNode | ox.BlankNode)}


def values(quads: Quads, subject: object, predicate: ox.NamedNode) -> list[object]:
    return [q.object for q in quads if q.subject == subject and q.predicate == predicate]


def languages(quads: Quads, subject: object, predicate: ox.NamedNode) -> list[str | None]:
    return [
        term.language for term in values(quads, subject, predicate) if isinstance(term, ox.Literal)
    ]


def is_ours(iri: str) -> bool:
    return iri.startswith(OUR_DATA_NAMESPACES)


# --- data: types, labels, sources ---------------------------------------------------------


def test_data_lives_in_three_named_graphs(graphs: dict[str, Quads]) -> None:
    for name in DATA_GRAPHS:
        assert graphs.get(name), name
    data_files = {path.name for path in (PROJECT_ROOT / "data").iterdir()}
    assert {"inferred.trig", "links.trig", "sources.ttl"} <= data_files


def test_every_described_subject_has_type_french_label_and_source(data: Quads) -> None:
    """Charleroi's own resources; what it says of a shared resource (SHARED) carries a source."""
    problems = []
    described_elsewhere = subjects(q for q in data if q.predicate == RDF_TYPE)
    for subject in subjects(data):
        if isinstance(subject, ox.NamedNode) and subject.value.startswith(SHARED):
            if not values(data, subject, SOURCE) and not values(data, subject, RDF_TYPE):
                problems.append(f"{subject}: Charleroi's statements about it cite no source")
            continue
        if isinstance(subject, ox.BlankNode):
            # Blank nodes are the reified link statements: typed and sourced, not labelled.
            if STATEMENT not in values(data, subject, RDF_TYPE) or not values(
                data, subject, SOURCE
            ):
                problems.append(f"{subject}: blank node that is not a sourced rdf:Statement")
            continue
        if subject not in described_elsewhere:
            problems.append(f"{subject}: no rdf:type")
        label_languages = [
            lang for predicate in LABEL_PROPERTIES for lang in languages(data, subject, predicate)
        ]
        if "fr" not in label_languages:
            problems.append(f"{subject}: no French label")
        if SOURCE_DOCUMENT not in values(data, subject, RDF_TYPE) and not values(
            data, subject, SOURCE
        ):
            problems.append(f"{subject}: no dcterms:source")
    assert problems == []


def test_labelled_resources_have_one_label_per_language_french_and_english(
    data: Quads, reference: Quads
) -> None:
    """Charleroi's resources: French and English; shared ones: one per language overall."""
    problems = []
    for subject in subjects(data):
        shared = isinstance(subject, ox.NamedNode) and subject.value.startswith(SHARED)
        for predicate in LABEL_PROPERTIES:
            tags = languages(data + (reference if shared else []), subject, predicate)
            wrong = len(tags) != len(set(tags)) if shared else tags and set(tags) != {"en", "fr"}
            if wrong or len(tags) != len(set(tags)):
                problems.append(f"{subject} {predicate.value}: {sorted(map(str, tags))}")
    assert problems == []


def test_concepts_use_pref_label_and_other_resources_rdfs_label(
    data: Quads, reference: Quads
) -> None:
    concept = ox.NamedNode(namespaces.SKOS + "Concept")
    for subject in subjects(data + reference):
        types = values(data + reference, subject, RDF_TYPE)
        if concept in types:
            assert not values(data + reference, subject, RDFS_LABEL), subject
        elif values(data + reference, subject, PREF_LABEL):
            pytest.fail(f"{subject} has skos:prefLabel but is not a skos:Concept")


def test_no_language_tag_outside_french_and_english(data: Quads) -> None:
    tags = {
        q.object.language
        for q in data
        if isinstance(q.object, ox.Literal) and q.object.language is not None
    }
    assert tags <= ALLOWED_LANGUAGES


def test_every_lc_instance_also_carries_a_standard_type(
    data: Quads, graphs: dict[str, Quads]
) -> None:
    ontology = graphs[namespaces.ONTOLOGY_GRAPH] + graphs[IMPORTS_GRAPH]
    parents: dict[object, set[object]] = defaultdict(set)
    for quad in ontology:
        if quad.predicate == SUB_CLASS_OF:
            parents[quad.subject].add(quad.object)

    def ancestors(term: object) -> set[object]:
        found: set[object] = set()
        todo = [term]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    problems = []
    for subject in subjects(data):
        types = set(values(data, subject, RDF_TYPE))
        for type_ in types:
            if isinstance(type_, ox.NamedNode) and type_.value.startswith(namespaces.LC):
                standard = {
                    a for a in ancestors(type_) if not str(a).startswith(f"<{namespaces.LC}")
                }
                if not types & standard:
                    problems.append(f"{subject}: {type_.value} without a standard type")
    assert problems == []


# --- IRIs and links ----------------------------------------------------------------------------

MINTED = re.compile(
    r"^https://w3id\.org/(chava|learning-city)/id/"
    r"([a-z-]+/[a-z0-9]+([-_][a-z0-9]+)*|concept/[a-z-]+/[a-z0-9]+(-[a-z0-9]+)*)$"
)


def test_minted_iris_follow_the_layout(data: Quads) -> None:
    minted = {
        term.value
        for q in data
        for term in (q.subject, q.object)
        if isinstance(term, ox.NamedNode) and is_ours(term.value)
    }
    graph_names = {name for name in DATA_GRAPHS}
    assert sorted(iri for iri in minted - graph_names if not MINTED.match(iri)) == []


def test_no_dangling_internal_links(
    data: Quads, reference: Quads, graphs: dict[str, Quads]
) -> None:
    typed = {q.subject for q in data + reference if q.predicate == RDF_TYPE}
    dangling = {
        q.object.value
        for q in data
        if isinstance(q.object, ox.NamedNode) and is_ours(q.object.value) and q.object not in typed
    }
    assert dangling == set()
    defined = {
        q.subject.value
        for q in graphs[namespaces.ONTOLOGY_GRAPH]
        if q.predicate == IS_DEFINED_BY and isinstance(q.subject, ox.NamedNode)
    }
    used = {
        term.value
        for q in data
        for term in (q.predicate, q.object)
        if isinstance(term, ox.NamedNode) and term.value.startswith(namespaces.LC)
    }
    assert used - defined == set()


# Triples that DOMAIN.md marks [inferred]: they must be in the inferred graph and nowhere else.
INFERRED_FACTS = [
    ("body/comite-de-gouvernance", "org", "hasSubOrganization", "body/comite-de-pilotage"),
    ("body/conseil-d-orientations", "lc", "advises", "body/comite-de-gouvernance"),
    (
        "working-group/gt1-education-numerique",
        "org",
        "purpose",
        "concept/theme/education-et-numerique",
    ),
    (
        "organization/bibliotheque-george-orwell",
        "org",
        "unitOf",
        "organization/territoires-de-la-memoire",
    ),
    (
        "recognition/territoires-de-la-memoire-decret-2003",
        "lc",
        "recognitionAxis",
        "concept/ep-axis/axe-3-1",
    ),
    (
        "collection/associations-reconnues-axe-3-1",
        "schema",
        "itemListElement",
        "organization/territoires-de-la-memoire",
    ),
    (
        "legislation/decret-2003-07-17",
        "schema",
        "legislationPassedBy",
        "organization/federation-wallonie-bruxelles",
    ),
    ("tool/aide-memoire", "lc", "toolKind", "concept/tool-kind/periodique"),
]


def test_inferred_facts_only_in_the_inferred_graph(graphs: dict[str, Quads]) -> None:
    def triples(name: str) -> set[tuple[object, object, object]]:
        return {(q.subject, q.predicate, q.object) for q in graphs[name]}

    asserted, inferred = triples(namespaces.ASSERTED_GRAPH), triples(namespaces.INFERRED_GRAPH)
    assert asserted & inferred == set()
    for subject, prefix, local, value in INFERRED_FACTS:
        triple = (
            ox.NamedNode(namespaces.ID + subject),
            ox.NamedNode(namespaces.PREFIXES[prefix] + local),
            ox.NamedNode(namespaces.ID + value),
        )
        assert triple in inferred, triple
        assert triple not in asserted, triple
    fwb = ox.NamedNode(namespaces.ID + "organization/federation-wallonie-bruxelles")
    assert all(q.subject != fwb for q in graphs[namespaces.ASSERTED_GRAPH])


def test_inferred_graph_describes_its_method(graphs: dict[str, Quads]) -> None:
    graph = ox.NamedNode(namespaces.INFERRED_GRAPH)
    quads = graphs[namespaces.INFERRED_GRAPH]
    derived = values(quads, graph, ox.NamedNode(namespaces.PROV + "wasDerivedFrom"))
    assert len(derived) == 3
    assert sorted(map(str, languages(quads, graph, RDFS_COMMENT))) == ["en", "fr"]


# External IRIs DOMAIN.md marks VERIFIED; anything else (GeoNames, other QIDs) must stay out.
VERIFIED_EXTERNAL = {namespaces.WD + "Q3335"}
# The shared network's links (ontology/reference/network.ttl), each VERIFIED in DOMAIN.md.
VERIFIED_SHARED_LINKS = {
    (namespaces.UNESCO, namespaces.SCHEMA + "sameAs", namespaces.WD + "Q7809"),
    (namespaces.GNLC, namespaces.LC + "contributesToSDG", namespaces.SDG + "4"),
    (namespaces.GNLC, namespaces.LC + "contributesToSDG", namespaces.SDG + "11"),
    (namespaces.GNLC, namespaces.LC + "coordinatedBy", namespaces.UIL),
    (
        namespaces.GNLC,
        namespaces.SCHEMA + "url",
        "https://uil.unesco.org/lifelong-learning/learning-cities",
    ),
    (namespaces.UIL, namespaces.SCHEMA + "url", "https://uil.unesco.org"),
}


def test_links_graph_holds_only_verified_identifiers_each_with_provenance(
    graphs: dict[str, Quads],
) -> None:
    quads = graphs[namespaces.LINKS_GRAPH]
    rdf = namespaces.RDF
    links = [
        q
        for q in quads
        if isinstance(q.subject, ox.NamedNode) and q.subject.value != namespaces.LINKS_GRAPH
    ]
    external = {
        q.object.value
        for q in links
        if isinstance(q.object, ox.NamedNode) and not is_ours(q.object.value)
    }
    assert external == VERIFIED_EXTERNAL
    reified = {
        (
            values(quads, node, ox.NamedNode(rdf + "subject"))[0],
            values(quads, node, ox.NamedNode(rdf + "predicate"))[0],
            values(quads, node, ox.NamedNode(rdf + "object"))[0],
        )
        for node in subjects(quads)
        if isinstance(node, ox.BlankNode) and values(quads, node, SOURCE)
    }
    assert {(q.subject, q.predicate, q.object) for q in links} == reified


def test_shared_network_links_are_the_verified_ones_each_with_provenance(
    reference: Quads,
) -> None:
    rdf = namespaces.RDF
    reified = {
        tuple(
            str(values(reference, node, ox.NamedNode(rdf + part))[0].value)  # type: ignore[attr-defined]
            for part in ("subject", "predicate", "object")
        )
        for node in subjects(reference)
        if STATEMENT in values(reference, node, RDF_TYPE) and values(reference, node, SOURCE)
    }
    assert reified == VERIFIED_SHARED_LINKS
    external = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in reference
        if isinstance(q.subject, ox.NamedNode)
        and q.subject.value in (namespaces.GNLC, namespaces.UIL, namespaces.UNESCO)
        and isinstance(q.object, ox.NamedNode)
        and q.predicate.value not in (rdf + "type", namespaces.DCTERMS + "source")
    }
    assert external == VERIFIED_SHARED_LINKS


def test_every_shared_resource_is_typed_labelled_and_sourced(reference: Quads) -> None:
    problems = []
    for subject in subjects(reference):
        if isinstance(subject, ox.BlankNode):
            continue
        if not subject.value.startswith(SHARED) and SOURCE_DOCUMENT not in values(
            reference, subject, RDF_TYPE
        ):
            problems.append(f"{subject}: not under {SHARED}")
        if not values(reference, subject, RDF_TYPE):
            problems.append(f"{subject}: no rdf:type")
        if not any(values(reference, subject, predicate) for predicate in LABEL_PROPERTIES):
            problems.append(f"{subject}: no label")
        if SOURCE_DOCUMENT not in values(reference, subject, RDF_TYPE) and not values(
            reference, subject, SOURCE
        ):
            problems.append(f"{subject}: no dcterms:source")
    assert problems == []
    # Reference data cites the shared sources, never one city's documents.
    cited = {q.object.value for q in reference if q.predicate == SOURCE}  # type: ignore[union-attr]
    assert not any(iri.startswith(namespaces.DATA_BASE) for iri in cited)


def test_no_same_as_between_organisations_places_and_people(data: Quads, reference: Quads) -> None:
    same_as = {namespaces.OWL + "sameAs", namespaces.SCHEMA + "sameAs"}
    pairs = {
        (q.subject.value, q.object.value)  # type: ignore[union-attr]
        for q in data + reference
        if q.predicate.value in same_as and not isinstance(q.subject, ox.BlankNode)
    }
    assert pairs == {(namespaces.UNESCO, namespaces.WD + "Q7809")}
    assert all(q.predicate.value != namespaces.OWL + "sameAs" for q in data + reference)


def test_no_unverified_identifier_is_published(data: Quads) -> None:
    text = " ".join(str(term) for q in data for term in (q.subject, q.object))
    for unverified in ("geonames", "2800482", "belgif", "org.belgif.be"):
        assert unverified not in text


# --- ontology ------------------------------------------------------------------------------------


def test_vocabulary_terms_are_documented_in_french_and_english(graphs: dict[str, Quads]) -> None:
    ontology = graphs[namespaces.ONTOLOGY_GRAPH]
    terms = {
        q.subject
        for q in ontology
        if q.predicate == IS_DEFINED_BY and isinstance(q.subject, ox.NamedNode)
    }
    assert all(term.value.startswith(namespaces.LC) for term in terms)
    for term in terms:
        assert sorted(map(str, languages(ontology, term, RDFS_LABEL))) == ["en", "fr"], term
        assert sorted(map(str, languages(ontology, term, RDFS_COMMENT))) == ["en", "fr"], term


def test_vocabulary_size_and_every_term_specialises_a_standard_term(
    graphs: dict[str, Quads],
) -> None:
    ontology = graphs[namespaces.ONTOLOGY_GRAPH]
    classes = {q.subject for q in ontology if q.predicate == RDF_TYPE and q.object == OWL_CLASS}
    properties = {
        q.subject
        for q in ontology
        if q.predicate == RDF_TYPE
        and q.object.value.endswith(("ObjectProperty", "DatatypeProperty"))  # type: ignore[union-attr]
    }
    assert 15 <= len(classes) <= 20
    assert 15 <= len(properties) <= 30

    def reaches_standard(term: object, link: ox.NamedNode) -> bool:
        todo, seen = [term], set()
        while todo:
            current = todo.pop()
            for parent in values(ontology, current, link):
                if isinstance(parent, ox.NamedNode) and not parent.value.startswith(namespaces.LC):
                    return True
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        return False

    assert [c for c in classes if not reaches_standard(c, SUB_CLASS_OF)] == []
    assert [p for p in properties if not reaches_standard(p, SUB_PROPERTY_OF)] == []


def test_ontology_header(graphs: dict[str, Quads]) -> None:
    ontology = graphs[namespaces.ONTOLOGY_GRAPH]
    header = ox.NamedNode(ONTOLOGY_IRI)
    predicates = {q.predicate.value for q in ontology if q.subject == header}
    expected = {
        namespaces.OWL + "versionIRI",
        namespaces.OWL + "versionInfo",
        namespaces.DCTERMS + "license",
        namespaces.DCTERMS + "creator",
        namespaces.DCTERMS + "title",
        namespaces.DCTERMS + "description",
        namespaces.DCTERMS + "created",
        namespaces.DCTERMS + "modified",
        namespaces.VANN + "preferredNamespacePrefix",
        namespaces.VANN + "preferredNamespaceUri",
    }
    assert expected <= predicates
    assert values(ontology, header, ox.NamedNode(namespaces.OWL + "versionIRI")) == [
        ox.NamedNode(ONTOLOGY_IRI + "/0.1.0")
    ]


@pytest.mark.parametrize(
    "path", sorted((PROJECT_ROOT / "ontology" / "imports").glob("*.ttl")), ids=str
)
def test_each_imported_vocabulary_says_source_licence_and_what_was_kept(path: Path) -> None:
    header = path.read_text(encoding="utf-8").split("@prefix", 1)[0]
    for word in ("Source:", "Licence:", "Kept:"):
        assert word in header, f"{path.name}: {word}"
