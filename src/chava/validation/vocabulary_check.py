"""Terms of the shared vocabulary's namespace that its ontology does not define, with a hint.

A misspelled `lc:` class lets a resource escape every shape that targets the class; a
misspelled `lc:` property is silently ignored by every shape. SHACL core can say "this type is
not one of the classes" (`lcsh:KnownVocabularyClass`, which every engine evaluates), but it
cannot range over a node's predicates, nor compute "did you mean". This check does both, on
the data as written, for any SHACL engine's results: each unknown class or property is a
violation whose message names the closest defined term of the same kind (classes for a type,
properties for a predicate).

A class result that the SHACL engine already gave (same focus node, `rdf:type`, same value) gets
the hint in its message; anything else is a new result of `lcsh:KnownVocabularyClass` or
`lcsh:KnownVocabularyProperty` with the component `lcsh:KnownVocabularyTermConstraintComponent`
(documented in shapes/profile.ttl; no engine evaluates them). The check runs only when the
ontology defines terms in the namespace: a publication with a vocabulary of its own is left
alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Node

from chava import namespaces
from chava.loading.rdflib_bridge import rdflib_term
from chava.namespaces import compact_iri

SH: Final = namespaces.SH
RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
CLASS_SHAPE: Final = namespaces.LCSH + "KnownVocabularyClass"
PROPERTY_SHAPE: Final = namespaces.LCSH + "KnownVocabularyProperty"
COMPONENT: Final = namespaces.LCSH + "KnownVocabularyTermConstraintComponent"
CLASS_MARKERS: Final = frozenset(
    {namespaces.OWL + "Class", namespaces.RDFS + "Class", namespaces.RDFS + "subClassOf"}
)
PROPERTY_MARKERS: Final = frozenset(
    {
        namespaces.OWL + "ObjectProperty",
        namespaces.OWL + "DatatypeProperty",
        namespaces.OWL + "AnnotationProperty",
        namespaces.RDF + "Property",
        namespaces.RDFS + "subPropertyOf",
        namespaces.RDFS + "domain",
        namespaces.RDFS + "range",
    }
)

CLASS_OBJECTS: Final = frozenset(
    {
        namespaces.RDFS + "subClassOf",
        namespaces.RDFS + "domain",
        namespaces.RDFS + "range",
        namespaces.SCHEMA + "domainIncludes",
        namespaces.SCHEMA + "rangeIncludes",
    }
)

Kind = Literal["class", "property"]
Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Value = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class UnknownTerm:
    """One use of an undefined term: `focus rdf:type term` or `focus term value`."""

    focus: Subject
    kind: Kind
    term: str
    value: Value
    suggestion: str | None
    """The closest defined term of the same kind (None when the ontology defines none)."""

    @property
    def path(self) -> str:
        return namespaces.RDF + "type" if self.kind == "class" else self.term

    def messages(self) -> dict[str, str]:
        """The result message in French and English."""
        term = compact_iri(self.term)
        hint = compact_iri(self.suggestion) if self.suggestion else None
        if self.kind == "class":
            french = f"Classe {term} inconnue du vocabulaire"
            english = f"Unknown class {term}"
        else:
            french = f"Propriété {term} inconnue du vocabulaire"
            english = f"Unknown property {term}"
        if hint:
            french += f" : vouliez-vous dire {hint} ?"
            english += f": did you mean {hint}?"
        else:
            french += "."
            english += "."
        return {"fr": french, "en": english}


def defined_terms(ontology: Iterable[ox.Quad], namespace: str) -> tuple[set[str], set[str]]:
    """The classes and properties of *namespace* that *ontology* defines.

    A term counts as a class or a property by its type, by the axioms it carries or by the
    axioms naming it (`rdfs:domain lc:X` names a class); a term the ontology describes without
    any of these is in both sets.
    """
    classes: set[str] = set()
    properties: set[str] = set()
    mentioned: set[str] = set()
    for quad in ontology:
        subject, value, predicate = quad.subject, quad.object, quad.predicate.value
        if isinstance(value, ox.NamedNode) and value.value.startswith(namespace):
            if predicate in CLASS_OBJECTS:  # `rdfs:domain lc:Programme` names a class
                classes.add(value.value)
            elif predicate == namespaces.RDFS + "subPropertyOf":
                properties.add(value.value)
        if not (isinstance(subject, ox.NamedNode) and subject.value.startswith(namespace)):
            continue
        mentioned.add(subject.value)
        typed = quad.predicate == RDF_TYPE and isinstance(value, ox.NamedNode)
        marker = value.value if typed and isinstance(value, ox.NamedNode) else predicate
        if marker in CLASS_MARKERS:
            classes.add(subject.value)
        elif marker in PROPERTY_MARKERS:
            properties.add(subject.value)
    unclassified = mentioned - classes - properties
    return classes | unclassified, properties | unclassified


def unknown_terms(
    data: Iterable[ox.Quad], ontology: Iterable[ox.Quad], namespace: str = namespaces.LC
) -> list[UnknownTerm]:
    """Every use in *data* of a class or property of *namespace* that *ontology* lacks."""
    classes, properties = defined_terms(ontology, namespace)
    if not classes and not properties:
        return []  # no vocabulary of ours to compare with
    found: dict[UnknownTerm, None] = {}  # in order, without duplicates
    for quad in data:
        predicate, value = quad.predicate.value, quad.object
        if quad.predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
            if value.value.startswith(namespace) and value.value not in classes:
                suggestion = closest(value.value, classes)
                found[UnknownTerm(quad.subject, "class", value.value, value, suggestion)] = None
        elif predicate.startswith(namespace) and predicate not in properties:
            suggestion = closest(predicate, properties)
            found[UnknownTerm(quad.subject, "property", predicate, value, suggestion)] = None
    return list(found)


def closest(term: str, candidates: Iterable[str]) -> str | None:
    """The candidate whose local name is the most similar to *term*'s (case-insensitive)."""

    def local(iri: str) -> str:
        return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1].lower()

    wanted = local(term)
    scored = sorted(
        (-difflib.SequenceMatcher(None, wanted, local(candidate)).ratio(), candidate)
        for candidate in candidates
    )
    return scored[0][1] if scored else None


def annotate_report(graph: Graph, unknowns: Sequence[UnknownTerm]) -> None:
    """Write the same into the sh:ValidationReport graph (sh:resultMessage in fr and en)."""
    if not unknowns:
        return
    report = next(iter(graph.subjects(RDF.type, URIRef(SH + "ValidationReport"))), None)
    if report is None:
        report = BNode()
        graph.add((report, RDF.type, URIRef(SH + "ValidationReport")))
    for unknown in unknowns:
        focus, value = rdflib_term(unknown.focus), rdflib_term(unknown.value)
        result = _existing_class_result(graph, unknown, focus, value)
        if result is None:
            result = BNode()
            graph.add((report, URIRef(SH + "result"), result))
            graph.add((result, RDF.type, URIRef(SH + "ValidationResult")))
            graph.add((result, URIRef(SH + "focusNode"), focus))
            graph.add((result, URIRef(SH + "resultPath"), URIRef(unknown.path)))
            graph.add((result, URIRef(SH + "value"), value))
            graph.add((result, URIRef(SH + "resultSeverity"), URIRef(SH + "Violation")))
            shape = CLASS_SHAPE if unknown.kind == "class" else PROPERTY_SHAPE
            graph.add((result, URIRef(SH + "sourceShape"), URIRef(shape)))
            graph.add((result, URIRef(SH + "sourceConstraintComponent"), URIRef(COMPONENT)))
        else:
            graph.remove((result, URIRef(SH + "resultMessage"), None))
        for language, text in unknown.messages().items():
            graph.add((result, URIRef(SH + "resultMessage"), RdfLiteral(text, lang=language)))
    conforms = URIRef(SH + "conforms")
    graph.remove((report, conforms, None))
    graph.add((report, conforms, RdfLiteral(False)))


def _existing_class_result(
    graph: Graph, unknown: UnknownTerm, focus: Node, value: Node
) -> Node | None:
    if unknown.kind != "class":
        return None
    for result in graph.subjects(URIRef(SH + "sourceShape"), URIRef(CLASS_SHAPE)):
        if (result, URIRef(SH + "focusNode"), focus) in graph and (
            result,
            URIRef(SH + "value"),
            value,
        ) in graph:
            return result
    return None
