"""A second SHACL engine: pyrudof (rudof, in Rust), results shaped as chava's (`--engine rudof`).

The profile must not depend on one engine: a partner validates with the engine of its choice.
`rudof_report` takes the validation input every engine takes (the data with the RDFS
entailments of the validation store, the ontology's RDFS/OWL axioms mixed in as pyshacl mixes
them) and writes an sh:ValidationReport graph like pyshacl's: focus node, path, value,
constraint component, source shape, severity, the shape's `sh:message` (else rudof's own
text, replaced by chava's default wording as for every engine).

rudof's entries keep the data's blank node labels, so a blank focus node is the data's own;
their values are rendered as text, so each is matched back to the data term it stands for.
What rudof does not do is made up for: SHACL-SPARQL constraints (`sh:sparql`), which rudof
does not evaluate, run on pyshacl (`RUDOF_UNSUPPORTED`, `chava.engines`); an ill-typed literal
such as "2020-13-01"^^xsd:date, which rudof 0.3 does not report under sh:datatype, is given to
it in disguise (`chava.literal_check`), so it is reported, with the literal as written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.term import Node

from chava import namespaces
from chava.entailment import Statement
from chava.errors import ShaclEngineError
from chava.literal_check import disguise, disguised, reveal
from chava.rdflib_bridge import rdflib_term
from chava.validation_input import EngineInput

if TYPE_CHECKING:
    from pyrudof import ShaclValidationEntry as Entry

logger = logging.getLogger(__name__)

SH: Final = namespaces.SH
MESSAGE: Final = ox.NamedNode(SH + "message")
RUDOF_UNSUPPORTED: Final = frozenset({SH + "sparql", SH + "target"})
"""Shapes reaching one of these predicates run on pyshacl instead."""

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


def rudof_report(given: EngineInput, shapes: Sequence[ox.Quad]) -> Graph:
    """Validate the input's data against *shapes* with pyrudof; return a report graph.

    Raises ShaclEngineError when rudof is not installed or refuses the shapes or the data.
    """
    try:
        import pyrudof  # optional: `pip install pyrudof`, not needed to publish
    except ImportError as error:
        raise ShaclEngineError("rudof is not installed: pip install pyrudof") from error
    datatypes = {
        quad.object.value
        for quad in shapes
        if quad.predicate.value == SH + "datatype" and isinstance(quad.object, ox.NamedNode)
    }
    disguises = disguise(
        literal for literals in given.ill_typed(datatypes).values() for literal in literals
    )
    data = disguised(given.data, disguises) + given.axioms()
    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    try:
        rudof.read_shacl(_ntriples(_triples(shapes)), format=pyrudof.ShaclFormat.NTriples)
        rudof.read_data(_ntriples(data), format=pyrudof.RDFFormat.NTriples)
        entries = list(rudof.validate_shacl())
    except pyrudof.RudofError as error:
        raise ShaclEngineError(f"rudof failed: {' '.join(str(error).split())}") from error
    graph = _report_graph(entries, data, shapes)
    reveal(graph, disguises)
    logger.info("rudof validated %d data triples: %d results", len(data), len(entries))
    return graph


def _triples(quads: Sequence[ox.Quad]) -> list[Statement]:
    return [(quad.subject, quad.predicate, quad.object) for quad in quads]


def _ntriples(statements: Iterable[Statement]) -> str:
    triples = [ox.Triple(subject, predicate, value) for subject, predicate, value in statements]
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()


def _report_graph(
    entries: Sequence[Entry], data: Sequence[Statement], shapes: Sequence[ox.Quad]
) -> Graph:
    """An sh:ValidationReport graph of rudof's entries, with the data's and shapes' terms."""
    objects: dict[tuple[str, str], list[Term]] = defaultdict(list)
    for subject, predicate, value in data:
        objects[(_text(subject), predicate.value)].append(value)
    messages: dict[str, list[ox.Literal]] = defaultdict(list)
    for quad in shapes:
        if quad.predicate == MESSAGE and isinstance(quad.object, ox.Literal):
            messages[_text(quad.subject)].append(quad.object)
    graph = Graph()
    report = BNode()
    graph.add((report, RDF.type, URIRef(SH + "ValidationReport")))
    graph.add((report, URIRef(SH + "conforms"), RdfLiteral(not entries)))
    for entry in entries:
        result = BNode()
        focus = _node(entry.focus_node)
        graph.add((report, URIRef(SH + "result"), result))
        graph.add((result, RDF.type, URIRef(SH + "ValidationResult")))
        graph.add((result, URIRef(SH + "focusNode"), focus))
        graph.add((result, URIRef(SH + "resultSeverity"), URIRef(SH + entry.severity)))
        if entry.source_shape is not None:
            graph.add((result, URIRef(SH + "sourceShape"), _node(entry.source_shape)))
        graph.add(
            (result, URIRef(SH + "sourceConstraintComponent"), URIRef(entry.constraint_component))
        )
        if entry.path is not None:
            graph.add((result, URIRef(SH + "resultPath"), _path(graph, entry.path)))
        if entry.value is not None:
            candidates = objects.get((entry.focus_node, entry.path or ""), [])
            graph.add((result, URIRef(SH + "value"), _value(entry.value, candidates)))
        for text in messages.get(entry.source_shape or "") or [ox.Literal(_rudof_text(entry))]:
            graph.add((result, URIRef(SH + "resultMessage"), rdflib_term(text)))
    return graph


def _text(term: Term) -> str:
    """A term as rudof names a node: an IRI bare, a blank node `_:label`."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _node(text: str) -> Node:
    return BNode(text[2:]) if text.startswith("_:") else URIRef(text)


def _path(graph: Graph, text: str) -> Node:
    """rudof's path text (`iri`, `^(iri)`, `(a / b)`) as a SHACL path in *graph*."""
    text = text.strip()
    if text.startswith("^(") and text.endswith(")"):
        node = BNode()
        graph.add((node, URIRef(SH + "inversePath"), _path(graph, text[2:-1])))
        return node
    if text.startswith("(") and text.endswith(")") and " / " in text:
        head = BNode()
        Collection(graph, head, [_path(graph, part) for part in text[1:-1].split(" / ")])
        return head
    return URIRef(text)


def _value(text: str, candidates: Sequence[Term]) -> Node:
    """The data term rudof rendered as *text*: one of *candidates*, else read from the text."""
    for candidate in candidates:
        if _rendered_as(candidate, text):
            return rdflib_term(candidate)
    if text.startswith('"'):
        return RdfLiteral(text.strip('"'))
    return _node(text)


def _rendered_as(term: Term, text: str) -> bool:
    if not isinstance(term, ox.Literal):
        return _text(term) == text
    quoted = f'"{term.value}"'
    if term.language:
        return text == f"{quoted}@{term.language}"
    datatype = term.datatype.value
    if datatype == namespaces.XSD + "string":
        return text in (quoted, f"{quoted}^^xsd:string")
    local = datatype.rsplit("#", 1)[-1]
    return text.startswith(quoted + "^^") and text.rstrip(">").endswith(local)


def _rudof_text(entry: Entry) -> str:
    """rudof's own message (its first, untagged one), without the quotes."""
    message = entry.message or ""
    first = message.split('", ', 1)[0]
    return first.strip().strip('"') or entry.constraint_component.rsplit("#", 1)[-1]
