"""Copying pyoxigraph quads into rdflib graphs for the SHACL engine."""

from __future__ import annotations

import logging

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from chava import namespaces
from chava.errors import ShaclEngineError
from chava.loading.rdflib_bridge import to_rdflib_graph

EX = "http://example.org/"
XSD = namespaces.XSD
SUBJECT = ox.NamedNode(EX + "s")
PREDICATE = ox.NamedNode(EX + "p")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ox.NamedNode(EX + "o"), URIRef(EX + "o")),
        (ox.BlankNode("b7"), BNode("b7")),
        (ox.Literal("plain"), Literal("plain")),
        (ox.Literal("Ville", language="fr"), Literal("Ville", lang="fr")),
        (
            ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
            Literal("3", datatype=URIRef(XSD + "integer")),
        ),
        (
            ox.Literal("2020-13-01", datatype=ox.NamedNode(XSD + "date")),
            Literal("2020-13-01", datatype=URIRef(XSD + "date")),
        ),
    ],
)
def test_terms_keep_their_identity(value: ox.Literal | ox.NamedNode, expected: Node) -> None:
    graph = to_rdflib_graph([ox.Quad(SUBJECT, PREDICATE, value, ox.NamedNode(EX + "g"))])
    assert list(graph) == [(URIRef(EX + "s"), URIRef(EX + "p"), expected)]


def test_ill_typed_literals_log_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    value = ox.Literal("many", datatype=ox.NamedNode(XSD + "integer"))
    with caplog.at_level(logging.DEBUG):
        graph = to_rdflib_graph([(SUBJECT, PREDICATE, value)])
    assert caplog.records == []
    (literal,) = graph.objects()
    assert isinstance(literal, Literal)
    assert literal.ill_typed


def test_rdf_star_triple_terms_are_refused_clearly() -> None:
    quoted = ox.Triple(SUBJECT, PREDICATE, ox.Literal("x"))
    with pytest.raises(ShaclEngineError, match="triple terms are not supported"):
        to_rdflib_graph([(SUBJECT, PREDICATE, quoted)])
