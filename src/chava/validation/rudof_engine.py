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
does not evaluate, run on pyshacl (`RUDOF_UNSUPPORTED`, `chava.validation.engines`); an ill-typed
literal such as "2020-13-01"^^xsd:date, which rudof 0.3 does not report under sh:datatype, is given
to it in disguise (`chava.validation.literal_check`), so it is reported, with the literal as
written.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox
from rdflib import Graph

from chava import namespaces
from chava.errors import ShaclEngineError
from chava.validation.entailment import Statement
from chava.validation.literal_check import disguise, disguised, reveal
from chava.validation.report_graph import ReportWriter
from chava.validation.shacl_shapes import ShapesGraph
from chava.validation.validation_input import EngineInput

if TYPE_CHECKING:
    from pyrudof import ShaclValidationEntry as Entry

logger = logging.getLogger(__name__)

SH: Final = namespaces.SH
MESSAGE: Final = ox.NamedNode(SH + "message")
BARE: Final = frozenset({"integer", "decimal", "double", "boolean"})
"""Datatypes whose literals rudof may write without quotes."""
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
    """An sh:ValidationReport graph of rudof's entries, with the data's and shapes' terms.

    rudof gives terms as text: a result's path is read from its source shape (its structure
    copied from the shapes graph), its focus node and value matched back to the data's terms.
    """
    index = ShapesGraph(shapes).index
    writer = ReportWriter(index)
    objects: dict[tuple[str, str], list[Term]] = defaultdict(list)
    for subject, predicate, stated in data:
        objects[(_text(subject), predicate.value)].append(stated)
    terms = _Terms(data, shapes)
    for entry in entries:
        shape = terms.node(entry.source_shape or "")
        properties = index.get(shape, {})
        paths = properties.get(SH + "path", []) if entry.path is not None else []
        value: ox.NamedNode | ox.BlankNode | ox.Literal | None = None
        if entry.value is not None:
            candidates = objects.get((entry.focus_node, entry.path or ""), [])
            value = next(
                (
                    c
                    for c in candidates
                    if not isinstance(c, ox.Triple) and _rendered_as(c, entry.value)
                ),
                None,
            )
            value = value or terms.find(entry.value)
        messages = [m for m in properties.get(SH + "message", []) if isinstance(m, ox.Literal)]
        writer.add(
            focus=terms.find(entry.focus_node),
            component=entry.constraint_component,
            shape=shape,
            severity=SH + entry.severity,
            messages=messages or [ox.Literal(_rudof_text(entry))],
            path=paths[0] if paths else None,
            value=value,
        )
    return writer.finish()


class _Terms:
    """The data's and shapes' terms by the text rudof gives them (read once, when needed)."""

    def __init__(self, data: Sequence[Statement], shapes: Sequence[ox.Quad]) -> None:
        self.data = data
        self.shapes = shapes
        self._by_text: dict[str, ox.Literal] | None = None

    def node(self, text: str) -> ox.NamedNode | ox.BlankNode:
        """An IRI or blank node, as rudof writes it (`iri`, `_:label`)."""
        return ox.BlankNode(text[2:]) if text.startswith("_:") else ox.NamedNode(text)

    def find(self, text: str) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        """The term rudof wrote as *text*: an IRI or blank node, else a literal of the data."""
        if text.startswith("_:"):
            return ox.BlankNode(text[2:])
        if ":" in text and not text.startswith('"') and " " not in text:
            try:
                return ox.NamedNode(text)
            except ValueError:
                pass
        if self._by_text is None:
            self._by_text = {}
            values = [v for _s, _p, v in self.data] + [q.object for q in self.shapes]
            for value in values:
                if isinstance(value, ox.Literal):
                    for rendering in _renderings(value):
                        self._by_text.setdefault(rendering, value)
        return self._by_text.get(text) or ox.Literal(text.strip('"'))


def _text(term: Term) -> str:
    """A term as rudof names a node: an IRI bare, a blank node `_:label`."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term)


def _rendered_as(term: Term, text: str) -> bool:
    if not isinstance(term, ox.Literal):
        return _text(term) == text
    return text in _renderings(term)


def _renderings(literal: ox.Literal) -> set[str]:
    """The ways rudof writes a literal: quoted with its language or datatype (prefixed or
    not), a number or boolean bare."""
    quoted = f'"{literal.value}"'
    if literal.language:
        return {f"{quoted}@{literal.language}"}
    datatype = literal.datatype.value
    if datatype == namespaces.XSD + "string":
        return {quoted, f"{quoted}^^xsd:string", f"{quoted}^^<{datatype}>"}
    local = datatype.rsplit("#", 1)[-1]
    found = {f"{quoted}^^<{datatype}>", f"{quoted}^^xsd:{local}", f"{quoted}^^{local}"}
    if local in BARE:
        found.add(literal.value)
    return found


def _rudof_text(entry: Entry) -> str:
    """rudof's own message (its first, untagged one), without the quotes."""
    message = entry.message or ""
    first = message.split('", ', 1)[0]
    return first.strip().strip('"') or entry.constraint_component.rsplit("#", 1)[-1]
