"""Write an sh:ValidationReport graph, merge other engines' reports into it, word defaults.

Every engine's results end up in one rdflib graph, as pyshacl writes it: one
sh:ValidationReport with sh:conforms and its sh:result nodes (focus node, path with its
structure, value, source shape, constraint component, severity, messages). chava.validation.validate
reads the flattened results from it, and `--format turtle`/`json-ld` print it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from chava import namespaces
from chava.loading.rdflib_bridge import rdflib_term

SH: Final = namespaces.SH
RESULT: Final = URIRef(SH + "result")
CONFORMS: Final = URIRef(SH + "conforms")
MESSAGE: Final = URIRef(SH + "resultMessage")
SOURCE_SHAPE: Final = URIRef(SH + "sourceShape")
COMPONENT: Final = URIRef(SH + "sourceConstraintComponent")
SEVERITY: Final = URIRef(SH + "resultSeverity")
VIOLATION: Final = URIRef(SH + "Violation")
Term = ox.NamedNode | ox.BlankNode | ox.Literal
Index = Mapping[Term | ox.Triple, Mapping[str, Sequence[Term]]]


class ReportWriter:
    """Accumulate results into a new sh:ValidationReport graph."""

    def __init__(self, shapes: Index) -> None:
        self.shapes = shapes
        self.graph = Graph()
        self.report = BNode()
        self.graph.add((self.report, RDF.type, URIRef(SH + "ValidationReport")))
        self._copied: set[Term] = set()

    def add(
        self,
        *,
        focus: Term,
        component: str,
        shape: Term,
        severity: str,
        messages: Iterable[ox.Literal],
        path: Term | None = None,
        value: Term | None = None,
    ) -> None:
        """Add one result; a blank-node path's structure is copied from the shapes graph."""
        result = BNode()
        add = self.graph.add
        add((self.report, RESULT, result))
        add((result, RDF.type, URIRef(SH + "ValidationResult")))
        add((result, URIRef(SH + "focusNode"), rdflib_term(focus)))
        add((result, SEVERITY, URIRef(severity)))
        add((result, SOURCE_SHAPE, rdflib_term(shape)))
        add((result, COMPONENT, URIRef(component)))
        if path is not None:
            add((result, URIRef(SH + "resultPath"), rdflib_term(path)))
            self._copy(path)
        if value is not None:
            add((result, URIRef(SH + "value"), rdflib_term(value)))
        for message in messages:
            add((result, MESSAGE, rdflib_term(message)))

    def merge(self, other: Graph) -> None:
        """Add the results of another engine's report graph (its report node dropped)."""
        reports = set(other.subjects(RDF.type, URIRef(SH + "ValidationReport")))
        for subject, predicate, value in other:
            if subject in reports:
                if predicate == RESULT:
                    self.graph.add((self.report, RESULT, value))
            else:
                self.graph.add((subject, predicate, value))

    def finish(self) -> Graph:
        """The report graph, sh:conforms true when no result is a violation."""
        violations = any(
            self.graph.value(result, SEVERITY) == VIOLATION
            for result in self.graph.objects(self.report, RESULT)
        )
        self.graph.set((self.report, CONFORMS, Literal(not violations)))
        return self.graph

    def _copy(self, node: Term) -> None:
        """Copy a path's blank-node structure (lists, inverse paths...) into the report."""
        if not isinstance(node, ox.BlankNode) or node in self._copied:
            return
        self._copied.add(node)
        for predicate, values in self.shapes.get(node, {}).items():
            for value in values:
                self.graph.add((rdflib_term(node), URIRef(predicate), rdflib_term(value)))
                self._copy(value)


def default_messages(graph: Graph, shapes: Index) -> None:
    """Word the results of shapes without sh:message the same way, whichever engine ran.

    Engines word their own messages differently; a result of a SHACL Core constraint whose
    shape gives none gets chava's, in English and French, naming the constraint and its
    parameter. SHACL-SPARQL results (pyshacl only) keep their constraint's own message.
    """
    for result in list(graph.objects(None, RESULT)):
        shape = graph.value(result, SOURCE_SHAPE)
        key = _ox_term(shape)
        if key is not None and shapes.get(key, {}).get(SH + "message"):
            continue
        component = str(graph.value(result, COMPONENT) or "")
        if not component.startswith(SH) or component == SH + "SPARQLConstraintComponent":
            continue  # SHACL-SPARQL and declared components: pyshacl alone, their own words
        name = component.removeprefix(SH).removesuffix("ConstraintComponent")
        parameter = name[:1].lower() + name[1:]
        values = list(shapes.get(key, {}).get(SH + parameter, [])) if key is not None else []
        shown = " ".join(_short(value, shapes) for value in values[:3])
        rule = f"sh:{parameter}" + (f" {shown}" if shown and len(shown) < 80 else "")
        graph.remove((result, MESSAGE, None))
        graph.add((result, MESSAGE, Literal(f"Does not satisfy {rule}.", lang="en")))
        graph.add((result, MESSAGE, Literal(f"Ne respecte pas {rule}.", lang="fr")))


def _short(term: Term, shapes: Index, depth: int = 0) -> str:
    """A parameter in a few characters: a compact IRI, a literal's text, a list's items."""
    if isinstance(term, ox.NamedNode):
        return namespaces.compact_iri(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    items: list[str] = []
    node: Term | ox.Triple = term
    while depth < 2 and len(items) < 10 and node != ox.NamedNode(namespaces.RDF + "nil"):
        first = shapes.get(node, {}).get(namespaces.RDF + "first", [])
        rest = shapes.get(node, {}).get(namespaces.RDF + "rest", [])
        if len(first) != 1 or len(rest) != 1:
            return "[…]"
        items.append(_short(first[0], shapes, depth + 1))
        node = rest[0]
    return "(" + ", ".join(items) + ")"


def _ox_term(node: Node | None) -> Term | None:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    return None
