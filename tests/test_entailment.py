"""The RDFS entailments validation applies, and agreement with pyshacl's own RDFS inference."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef

from chava import namespaces
from chava.entailment import Statement, entailed_statements
from chava.rdflib_bridge import to_rdflib_graph
from chava.sources import load_publication
from chava.validate import validate_publication

EX = "http://example.org/"
PREFIXES = f"""\
@prefix ex: <{EX}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""


def parse(turtle: str) -> list[Statement]:
    return [
        (quad.subject, quad.predicate, quad.object)
        for quad in ox.parse((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)
    ]


@pytest.mark.parametrize(
    ("schema", "data", "expected"),
    [
        ("ex:B rdfs:subClassOf ex:A .", "ex:x a ex:B .", "ex:x a ex:A ."),  # rdfs9
        (  # rdfs11 + rdfs9
            "ex:C rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:A .",
            "ex:x a ex:C .",
            "ex:x a ex:B, ex:A .",
        ),
        ("ex:q rdfs:subPropertyOf ex:p .", "ex:x ex:q 1 .", "ex:x ex:p 1 ."),  # rdfs7
        (  # rdfs5 + rdfs7
            "ex:r rdfs:subPropertyOf ex:q . ex:q rdfs:subPropertyOf ex:p .",
            "ex:x ex:r ex:y .",
            "ex:x ex:q ex:y ; ex:p ex:y .",
        ),
        ("ex:p rdfs:domain ex:A .", "ex:x ex:p ex:y .", "ex:x a ex:A ."),  # rdfs2
        ("ex:p rdfs:range ex:A .", "ex:x ex:p ex:y .", "ex:y a ex:A ."),  # rdfs3
        ("ex:p rdfs:range ex:A .", 'ex:x ex:p "literal" .', ""),  # no literal subjects
        (  # domain of a super-property, then the class hierarchy
            "ex:q rdfs:subPropertyOf ex:p . ex:p rdfs:domain ex:B . ex:B rdfs:subClassOf ex:A .",
            "ex:x ex:q ex:y .",
            "ex:x ex:p ex:y ; a ex:B, ex:A .",
        ),
        (  # a cycle terminates; already stated facts are not repeated
            "ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:A .",
            "ex:x a ex:A, ex:B .",
            "",
        ),
        ("", "ex:B rdfs:subClassOf ex:A . ex:x a ex:B .", "ex:x a ex:A ."),  # schema in data
    ],
)
def test_entailed_statements(schema: str, data: str, expected: str) -> None:
    assert entailed_statements(parse(data), parse(schema)) == set(parse(expected))


SCHEMA = """
ex:City rdfs:subClassOf ex:Organization .
ex:Organization rdfs:subClassOf ex:Agent .
ex:prefLabel rdfs:subPropertyOf ex:label .
ex:memberOf rdfs:domain ex:Agent ; rdfs:range ex:Organization .
ex:hasTheme rdfs:range ex:Theme .
"""
SHAPES = """
ex:AgentShape a sh:NodeShape ; sh:targetClass ex:Agent ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ] .
ex:ThemeShape a sh:NodeShape ; sh:targetClass ex:Theme ;
    sh:property [ sh:path ex:label ; sh:minCount 1 ] .
ex:MemberShape a sh:NodeShape ; sh:targetSubjectsOf ex:memberOf ;
    sh:property [ sh:path ex:memberOf ; sh:class ex:Agent ] .
"""
DATA = """
ex:charleroi a ex:City ; ex:prefLabel "Charleroi" ; ex:memberOf ex:gnlc .
ex:gnlc ex:hasTheme ex:culture .
ex:someone ex:memberOf ex:club .
ex:club ex:prefLabel "Club" .
ex:culture ex:prefLabel "Culture" .
ex:nameless a ex:City .
ex:other ex:hasTheme ex:untitled .
"""


def test_validation_agrees_with_pyshacl_rdfs_inference(tmp_path: Path) -> None:
    for folder, text in (("ontology", SCHEMA), ("shapes", SHAPES), ("data", DATA)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{folder}.ttl").write_text(PREFIXES + text, encoding="utf-8")
    ours = validate_publication(load_publication(tmp_path))

    def graph(text: str) -> Graph:
        return to_rdflib_graph(ox.parse((PREFIXES + text).encode(), format=ox.RdfFormat.TURTLE))

    _conforms, report, _text = pyshacl.validate(
        graph(DATA), shacl_graph=graph(SHAPES), ont_graph=graph(SCHEMA), inference="rdfs"
    )
    sh = namespaces.SH
    theirs = {
        (
            str(report.value(result, URIRef(sh + "focusNode"))),
            str(report.value(result, URIRef(sh + "sourceConstraintComponent"))),
        )
        for result in report.objects(None, URIRef(sh + "result"))
    }
    assert {(result.focus_node, result.constraint) for result in ours.results} == theirs
    # The fixture does exercise the entailments: gnlc and someone are Agents only by inference.
    assert {result.focus_node for result in ours.results} == {
        EX + "gnlc",
        EX + "someone",
        EX + "nameless",
        EX + "untitled",
    }
