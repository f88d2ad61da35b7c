"""validate_publication: what is data, what is shapes, RDFS reasoning, typed results, failures."""

from __future__ import annotations

import logging
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef

from chava import namespaces
from chava.errors import ShaclEngineError
from chava.loading.sources import load_files, load_publication
from chava.validation.validate import ValidationReport, ValidationResult, validate_publication

PREFIXES = """\
@prefix lc: <https://w3id.org/learning-city/def/core#> .
@prefix lcsh: <https://w3id.org/learning-city/def/shapes#> .
@prefix chorg: <https://w3id.org/chava/id/org/> .
@prefix chtheme: <https://w3id.org/chava/id/theme/> .
@prefix chprog: <https://w3id.org/chava/id/programme/> .
@prefix chtown: <https://w3id.org/chava/id/town/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
ONTOLOGY = (
    PREFIXES
    + """
lc:City rdfs:subClassOf org:Organization .
lc:hasTheme rdfs:domain lc:Programme .
"""
)
IMPORTS = PREFIXES + "org:Organization rdfs:subClassOf foaf:Agent .\n"
SHAPES = (
    PREFIXES
    + """
lcsh:AgentShape a sh:NodeShape ;
    sh:targetClass foaf:Agent ;
    sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ;
                  sh:message "Libellé requis"@fr, "Label required"@en ] ;
    sh:property [ sh:path skos:prefLabel ; sh:languageIn ( "fr" "en" ) ;
                  sh:severity sh:Warning ] .
lcsh:ProgrammeShape a sh:NodeShape ;
    sh:targetClass lc:Programme ;
    sh:property [ sh:path lc:hasTheme ; sh:class skos:Concept ] ;
    sh:property [ sh:path dcterms:date ; sh:datatype xsd:date ] ;
    sh:property [ sh:path dcterms:description ; sh:minCount 1 ; sh:severity sh:Info ] .
"""
)
DATA = (
    PREFIXES
    + """
chorg:charleroi a lc:City ; skos:prefLabel "Charleroi"@fr .
chtheme:culture a skos:Concept .
"""
)
CHAVA = namespaces.ID
LC = namespaces.LC
SKOS_PREF_LABEL = namespaces.SKOS + "prefLabel"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def publication_root(tmp_path: Path) -> Path:
    """A tiny publication: a class hierarchy across ontology and imports, two node shapes."""
    write(tmp_path / "ontology" / "core.ttl", ONTOLOGY)
    write(tmp_path / "ontology" / "imports" / "org.ttl", IMPORTS)
    write(tmp_path / "shapes" / "shapes.ttl", SHAPES)
    write(tmp_path / "data" / "city.ttl", DATA)
    return tmp_path


def validate_root(root: Path) -> ValidationReport:
    return validate_publication(load_publication(root))


def only(report: ValidationReport) -> ValidationResult:
    (result,) = report.results
    return result


def test_small_publication_conforms(publication_root: Path) -> None:
    report = validate_root(publication_root)
    assert report.conforms
    assert report.results == ()
    assert isinstance(report.graph, Graph)


def test_missing_label_is_a_violation_with_every_field(publication_root: Path) -> None:
    path = write(publication_root / "data" / "more.ttl", PREFIXES + "chorg:x a lc:City .\n")
    report = validate_root(publication_root)
    assert not report.conforms
    result = only(report)
    assert result.severity == "Violation"
    assert result.focus_node == CHAVA + "org/x"
    assert result.path == SKOS_PREF_LABEL
    assert result.value is None
    assert result.message == "Libellé requis / Label required"
    assert result.constraint == namespaces.SH + "MinCountConstraintComponent"
    assert result.source_shape.startswith("_:")  # an anonymous property shape
    assert result.source_file == path


def test_messages_follow_the_preferred_languages(publication_root: Path) -> None:
    write(publication_root / "data" / "more.ttl", PREFIXES + "chorg:x a lc:City .\n")
    report = validate_publication(load_publication(publication_root), languages=("en", "fr"))
    assert only(report).message == "Label required / Libellé requis"


def test_warnings_and_infos_do_not_break_conformance(publication_root: Path) -> None:
    write(
        publication_root / "data" / "more.ttl",
        PREFIXES + 'chorg:x a lc:City ; skos:prefLabel "X"@de .\n' + "chprog:p a lc:Programme .\n",
    )
    report = validate_root(publication_root)
    assert report.conforms
    assert [(r.severity, r.focus_node) for r in report.results] == [
        ("Warning", CHAVA + "org/x"),
        ("Info", CHAVA + "programme/p"),
    ]
    assert report.results[0].value == '"X"@de'
    assert (report.count("Violation"), report.count("Warning"), report.count("Info")) == (0, 1, 1)
    # The report graph says the same: warnings allowed.
    assert (None, URIRef(namespaces.SH + "conforms"), Literal(True)) in report.graph


def test_results_list_violations_first(publication_root: Path) -> None:
    write(
        publication_root / "data" / "more.ttl",
        PREFIXES + 'chorg:a skos:prefLabel "A"@de ; a lc:City .\nchorg:b a lc:City .\n',
    )
    report = validate_root(publication_root)
    assert [result.severity for result in report.results] == ["Violation", "Warning"]


def test_class_hierarchy_of_ontology_and_imports_selects_targets(publication_root: Path) -> None:
    """lc:City -> org:Organization (ontology) -> foaf:Agent (imports): the shape's target."""
    write(publication_root / "data" / "more.ttl", PREFIXES + "chorg:x a lc:City .\n")
    assert only(validate_root(publication_root)).focus_node == CHAVA + "org/x"


def test_rdfs_domain_inference_makes_a_focus_node(publication_root: Path) -> None:
    write(
        publication_root / "data" / "more.ttl",
        PREFIXES + 'chprog:p lc:hasTheme chorg:charleroi ;\n    dcterms:description "p" .\n',
    )
    result = only(validate_root(publication_root))
    assert (result.focus_node, result.path) == (CHAVA + "programme/p", LC + "hasTheme")
    assert result.constraint == namespaces.SH + "ClassConstraintComponent"
    assert result.value == f"<{CHAVA}org/charleroi>"


def test_ill_typed_literal_is_reported_quietly(
    publication_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(
        publication_root / "data" / "more.ttl",
        PREFIXES + 'chprog:p a lc:Programme ; dcterms:description "p" ;\n'
        '    dcterms:date "2020-13-01"^^xsd:date .\n',
    )
    with caplog.at_level(logging.WARNING):
        result = only(validate_root(publication_root))
    assert result.value == f'"2020-13-01"^^<{namespaces.XSD}date>'
    assert result.constraint == namespaces.SH + "DatatypeConstraintComponent"
    assert "Failed to convert" not in caplog.text


def test_every_data_graph_is_validated_but_not_ontology_or_shapes(publication_root: Path) -> None:
    inferred = write(
        publication_root / "data" / "inferred.trig",
        PREFIXES + "<https://w3id.org/chava/graph/inferred> { chorg:y a lc:City . }\n",
    )
    # A targeted node in the ontology is vocabulary, not data: it is not validated.
    write(publication_root / "ontology" / "odd.ttl", PREFIXES + "lc:Sample a lc:City .\n")
    result = only(validate_root(publication_root))
    assert (result.focus_node, result.source_file) == (CHAVA + "org/y", inferred)


def test_blank_node_focus_is_rendered_with_its_file(publication_root: Path) -> None:
    path = write(publication_root / "data" / "more.ttl", PREFIXES + "[] a lc:City .\n")
    result = only(validate_root(publication_root))
    assert result.focus_node.startswith("_:")
    assert result.source_file == path


def test_partner_files_are_checked_against_the_project_shapes(
    publication_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    partner = write(
        tmp_path_factory.mktemp("partner") / "city.ttl",
        PREFIXES + "<https://example.org/city/1> a lc:City .\n",
    )
    # The project's own data is not re-validated: add a broken node to prove it.
    write(publication_root / "data" / "broken.ttl", PREFIXES + "chorg:broken a lc:City .\n")
    report = validate_publication(load_files([partner]), shapes=load_publication(publication_root))
    result = only(report)
    assert (result.focus_node, result.source_file) == ("https://example.org/city/1", partner)


def test_shapes_files_replace_the_project_shapes_and_bring_their_hierarchy(
    publication_root: Path, tmp_path: Path
) -> None:
    shapes = write(
        tmp_path / "partner-shapes.ttl",
        PREFIXES + "lc:Town rdfs:subClassOf lc:Place .\n"
        "lcsh:PlaceShape a sh:NodeShape ; sh:targetClass lc:Place ;\n"
        "    sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .\n",
    )
    write(publication_root / "data" / "town.ttl", PREFIXES + "chtown:t a lc:Town .\n")
    write(publication_root / "data" / "more.ttl", PREFIXES + "chorg:x a lc:City .\n")
    report = validate_publication(load_publication(publication_root), shapes=load_files([shapes]))
    # Only the partner's shape ran: chorg:x (no label, project shape) is not reported.
    assert [(r.focus_node, r.path) for r in report.results] == [
        (CHAVA + "town/t", namespaces.RDFS + "label")
    ]


def test_empty_shapes_graph_cannot_validate(publication_root: Path) -> None:
    (publication_root / "shapes" / "shapes.ttl").unlink()
    with pytest.raises(ShaclEngineError) as caught:
        validate_root(publication_root)
    assert str(caught.value) == "no SHACL shapes to validate against: the shapes graph is empty"


def test_shapes_file_that_is_not_shacl_is_refused(publication_root: Path, tmp_path: Path) -> None:
    not_shapes = write(tmp_path / "not-shapes.ttl", DATA)
    with pytest.raises(ShaclEngineError) as caught:
        validate_publication(load_publication(publication_root), shapes=load_files([not_shapes]))
    assert str(caught.value) == (
        f"{not_shapes}: not SHACL: no sh:NodeShape, sh:PropertyShape, sh:property or target in it"
    )


def test_broken_shapes_raise_a_one_line_engine_error(
    publication_root: Path, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    write(
        publication_root / "shapes" / "broken.ttl",
        PREFIXES + "lcsh:Broken a sh:NodeShape ; sh:targetClass lc:City ;\n"
        '    sh:property [ sh:path rdfs:label ; sh:minCount "many" ] .\n',
    )
    with pytest.raises(ShaclEngineError) as caught:
        validate_root(publication_root)
    message = str(caught.value)
    assert message.startswith("SHACL engine failed: ")
    assert "minCount" in message
    assert "\n" not in message
    # pyshacl logs the failure itself to stderr; nothing but our one line may reach the user.
    assert capfd.readouterr().err == ""
    assert caplog.records == []


def test_validation_opens_no_connection(
    publication_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    write(
        publication_root / "ontology" / "header.ttl",
        PREFIXES + "<https://w3id.org/learning-city/def/core> "
        "<http://www.w3.org/2002/07/owl#imports> <urn:example:vocabulary> .\n",
    )
    assert validate_root(publication_root).conforms


def test_bundled_publication_conforms(project_root: Path) -> None:
    """The shipped graph has no violation (warnings are listed in the README)."""
    publication = load_publication(project_root)
    started = time.perf_counter()
    report = validate_publication(publication)
    elapsed = time.perf_counter() - started
    violations = [result for result in report.results if result.severity == "Violation"]
    assert violations == []
    assert report.conforms
    assert elapsed < 20, f"validating the bundled graph took {elapsed:.1f} s"
