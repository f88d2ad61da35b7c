"""Rendering report terms and SHACL property paths as short strings."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from chava import namespaces
from chava.validation.validation_terms import render_path, render_term

EX = "http://example.org/"
XSD = namespaces.XSD


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        (URIRef(EX + "a"), f"<{EX}a>"),
        (BNode("b0"), "_:b0"),
        (Literal("plain"), '"plain"'),
        (Literal("typed", datatype=URIRef(XSD + "string")), '"typed"'),
        (Literal("Ville", lang="fr"), '"Ville"@fr'),
        (Literal("3", datatype=URIRef(XSD + "integer")), f'"3"^^<{XSD}integer>'),
        (Literal('say "hi"\nnow\\'), '"say \\"hi\\"\\nnow\\\\"'),
        (None, ""),
    ],
)
def test_terms_render_in_n_triples_syntax(term: Node | None, expected: str) -> None:
    assert render_term(term) == expected


def test_bare_iri_drops_the_angle_brackets() -> None:
    assert render_term(URIRef(EX + "a"), bare_iri=True) == EX + "a"


PATHS = f"""\
@prefix ex: <{EX}> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
ex:s1 sh:path ex:p .
ex:s2 sh:path ( ex:p ex:q ) .
ex:s3 sh:path [ sh:inversePath ex:p ] .
ex:s4 sh:path [ sh:alternativePath ( ex:p ex:q ) ] .
ex:s5 sh:path [ sh:zeroOrMorePath ex:p ] .
ex:s6 sh:path [ sh:oneOrMorePath ex:p ] .
ex:s7 sh:path [ sh:zeroOrOnePath ex:p ] .
ex:s8 sh:path ( ex:p [ sh:alternativePath ( ex:q [ sh:inversePath ex:r ] ) ] ) .
ex:s9 sh:path [ sh:zeroOrMorePath ( ex:p ex:q ) ] .
"""


@pytest.mark.parametrize(
    ("shape", "expected"),
    [
        ("s1", f"{EX}p"),
        ("s2", f"<{EX}p> / <{EX}q>"),
        ("s3", f"^<{EX}p>"),
        ("s4", f"<{EX}p> | <{EX}q>"),
        ("s5", f"<{EX}p>*"),
        ("s6", f"<{EX}p>+"),
        ("s7", f"<{EX}p>?"),
        ("s8", f"<{EX}p> / (<{EX}q> | ^<{EX}r>)"),
        ("s9", f"(<{EX}p> / <{EX}q>)*"),
    ],
)
def test_paths_render_like_sparql_property_paths(shape: str, expected: str) -> None:
    graph = Graph().parse(data=PATHS, format="turtle")
    path = graph.value(URIRef(EX + shape), URIRef(namespaces.SH + "path"))
    assert path is not None
    assert render_path(graph, path) == expected
