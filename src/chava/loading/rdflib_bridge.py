"""Copy pyoxigraph quads into rdflib graphs for pyshacl, without rdflib's literal noise."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Final

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from chava import namespaces
from chava.errors import ShaclEngineError
from chava.validation.entailment import Statement

XSD_STRING: Final = namespaces.XSD + "string"


def to_rdflib_graph(statements: Iterable[Statement | ox.Quad]) -> Graph:
    """Copy statements or quads (graph names dropped) into a new rdflib Graph."""
    graph = Graph()
    with _quiet_literal_casts():
        for statement in statements:
            subject, predicate, value = (
                statement_of(statement) if isinstance(statement, ox.Quad) else statement
            )
            graph.add((_term(subject), _term(predicate), _term(value)))
    return graph


def statement_of(quad: ox.Quad) -> Statement:
    """Drop the graph name of a quad."""
    return (quad.subject, quad.predicate, quad.object)


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    """The rdflib term of a pyoxigraph term (a triple term is refused); an ill-typed literal
    is taken as it is, quietly (sh:datatype reports it)."""
    if isinstance(term, ox.Literal) and term.datatype.value != XSD_STRING and not term.language:
        with _quiet_literal_casts():
            return _term(term)
    return _term(term)


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # rdflib parsers give plain literals no datatype; do the same so equality holds.
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise ShaclEngineError(f"RDF 1.2 triple terms are not supported by SHACL validation: {term}")


class _DropLiteralCastNoise(logging.Filter):
    """rdflib logs a traceback for each ill-typed literal; sh:datatype reports it properly."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("Failed to convert Literal")


@contextmanager
def _quiet_literal_casts() -> Iterator[None]:
    rdflib_terms = logging.getLogger("rdflib.term")
    noise = _DropLiteralCastNoise()
    rdflib_terms.addFilter(noise)
    try:
        yield
    finally:
        rdflib_terms.removeFilter(noise)
