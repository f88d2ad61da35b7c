"""The RDFS entailments validation applies, and agreement with pyshacl's own RDFS inference."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph, URIRef

from chava import namespaces
from chava.generate import generate_chunks
from chava.loading.rdflib_bridge import statement_of, to_rdflib_graph
from chava.loading.sources import Publication, load_publication
from chava.validation.entailment import Statement, entail_in_store, entailed_statements
from chava.validation.validate import validate_publication
from chava.validation.validation_input import DATA_PATTERN, ENTAILED_GRAPH, engine_input

PROJECT_ROOT = Path(__file__).resolve().parent.parent

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
    assert closure_in_store(parse(data), parse(schema)) == set(parse(expected))


def closure_in_store(data: list[Statement], schema: list[Statement]) -> set[Statement]:
    """What `entail_in_store` adds, computed once in a pyoxigraph store, not stated already."""
    store = ox.Store()
    graph = ox.NamedNode("urn:test:data")
    store.bulk_extend(ox.Quad(s, p, o, graph) for s, p, o in data)
    entail_in_store(store, schema, data=DATA_PATTERN, entailed=ENTAILED_GRAPH)
    added = {
        statement_of(quad) for quad in store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)
    }
    return added - set(data)


def test_the_store_gives_the_same_closure_on_the_profile_and_generated_cities() -> None:
    """The bundled publication and two generated cities, with the project's ontology."""
    text = "".join(generate_chunks(cities=2, seed=3))
    generated = tuple(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    bundled = load_publication(PROJECT_ROOT)
    publication = Publication(bundled.quads + generated, (), {})
    given = engine_input(publication)
    data = [statement_of(quad) for quad in given.data_quads]
    expected = entailed_statements(data, given.ontology)
    assert len(expected) > 4_000  # types from the class hierarchy, super-properties...
    assert set(given.data) - set(data) == expected


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
