"""Terms of the lc: namespace that the ontology does not define: violations with "did you mean"."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from chava import namespaces
from chava.cli import cli
from chava.loading.sources import IMPORTS_GRAPH, REFERENCE_GRAPH, Publication, load_publication
from chava.validation.validate import ValidationReport, validate_publication
from chava.validation.vocabulary_check import (
    CLASS_SHAPE,
    COMPONENT,
    PROPERTY_SHAPE,
    closest,
    defined_terms,
    unknown_terms,
)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
LC = namespaces.LC
ID = "https://kaupunki.example.org/id/"
SH = namespaces.SH
PREFIXES = f"""
@prefix lc:      <{LC}> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kf:      <https://w3id.org/learning-city/id/concept/key-feature/> .
@prefix id:      <{ID}> .
id:source\\/s a lc:SourceDocument ; rdfs:label "S"@fi ; dcterms:title "S" ; dcterms:language "fi" .
"""
NAMED = 'rdfs:label "Nimi"@fi ; dcterms:source id:source\\/s'
PROPERTY_TYPO = (
    f"id:organization\\/a a org:Organization ; {NAMED} ;"
    " lc:adressesKeyFeature kf:developpement-durable ."
)
# With a standard type, the profile's lcsh:KnownVocabularyClass reports it too: one result.
CLASS_TYPO_TYPED = f"id:working-group\\/b a lc:WorkingGrup , org:OrganizationalUnit ; {NAMED} ."
# Without one, no shape targets it: only the vocabulary check can tell.
CLASS_TYPO_ALONE = f"id:initiative\\/c a lc:LearningCityInitative ; {NAMED} ."


@pytest.fixture(scope="module")
def profile() -> tuple[ox.Quad, ...]:
    keep = {namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH, namespaces.SHAPES_GRAPH, REFERENCE_GRAPH}
    return tuple(
        quad
        for quad in load_publication(PROJECT_ROOT).quads
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in keep
    )


def validate(profile: tuple[ox.Quad, ...], turtle: str) -> ValidationReport:
    graph = ox.NamedNode(namespaces.ASSERTED_GRAPH)
    data = tuple(
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)
    )
    return validate_publication(Publication(profile + data, (), {}), languages=("fi", "en"))


def test_a_misspelled_property_is_refused_with_its_suggestion(
    profile: tuple[ox.Quad, ...],
) -> None:
    report = validate(profile, PROPERTY_TYPO)
    assert not report.conforms
    (result,) = report.results
    assert (result.severity, result.focus_node, result.path) == (
        "Violation",
        ID + "organization/a",
        LC + "adressesKeyFeature",
    )
    assert (
        result.value
        == "<https://w3id.org/learning-city/id/concept/key-feature/developpement-durable>"
    )
    assert (result.source_shape, result.constraint) == (PROPERTY_SHAPE, COMPONENT)
    assert result.message == (
        "Unknown property lc:adressesKeyFeature: did you mean lc:addressesKeyFeature? / "
        "Propriété lc:adressesKeyFeature inconnue du vocabulaire : "
        "vouliez-vous dire lc:addressesKeyFeature ?"
    )


def test_a_misspelled_class_with_a_standard_type_is_one_result_with_its_suggestion(
    profile: tuple[ox.Quad, ...],
) -> None:
    report = validate(profile, CLASS_TYPO_TYPED)
    (result,) = [r for r in report.results if r.severity == "Violation"]
    assert (result.focus_node, result.path, result.value) == (
        ID + "working-group/b",
        namespaces.RDF + "type",
        f"<{LC}WorkingGrup>",
    )
    assert (result.source_shape, result.constraint) == (CLASS_SHAPE, SH + "OrConstraintComponent")
    assert "Unknown class lc:WorkingGrup: did you mean lc:WorkingGroup?" in result.message


def test_a_misspelled_class_alone_is_an_unknown_class_not_a_missing_property(
    profile: tuple[ox.Quad, ...],
) -> None:
    report = validate(profile, CLASS_TYPO_ALONE)
    assert not report.conforms
    (result,) = report.results
    assert (result.path, result.value, result.constraint) == (
        namespaces.RDF + "type",
        f"<{LC}LearningCityInitative>",
        COMPONENT,
    )
    assert "did you mean lc:LearningCityInitiative?" in result.message


def test_the_report_graph_carries_the_suggestions(profile: tuple[ox.Quad, ...]) -> None:
    report = validate(profile, "\n".join((PROPERTY_TYPO, CLASS_TYPO_TYPED, CLASS_TYPO_ALONE)))
    messages = set(report.graph.objects(None, URIRef(SH + "resultMessage")))
    for hint in ("lc:addressesKeyFeature", "lc:WorkingGroup", "lc:LearningCityInitiative"):
        assert any(
            str(message).endswith(f"did you mean {hint}?") and message.language == "en"
            for message in messages
            if isinstance(message, Literal)
        ), hint
        assert any(f"vouliez-vous dire {hint} ?" in str(message) for message in messages)
    assert (None, URIRef(SH + "conforms"), Literal(False)) in report.graph
    # The enriched class result keeps one message per language, not the generic one as well.
    generic = "lc: type unknown to the vocabulary https://w3id.org/learning-city/def/core."
    assert Literal(generic, lang="en") not in messages


def test_defined_terms_and_undefined_uses() -> None:
    ontology = list(
        ox.parse(
            f"@prefix lc: <{LC}> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "lc:Tool a <http://www.w3.org/2002/07/owl#Class> . lc:about rdfs:domain lc:Thing .\n",
            format=ox.RdfFormat.TURTLE,
        )
    )
    classes, properties = defined_terms(ontology, LC)
    assert classes == {LC + "Tool", LC + "Thing"}
    assert properties == {LC + "about"}
    data = list(
        ox.parse(
            f"@prefix lc: <{LC}> . <https://x.example/a> a lc:Tol ; lc:abut 1 ; lc:about 2 .\n",
            format=ox.RdfFormat.TURTLE,
        )
    )
    found = {(u.kind, u.term, u.suggestion) for u in unknown_terms(data, ontology)}
    assert found == {("class", LC + "Tol", LC + "Tool"), ("property", LC + "abut", LC + "about")}
    assert unknown_terms(data, []) == []  # no lc: ontology: nothing to compare with


def test_closest_ignores_case_and_picks_the_nearest() -> None:
    terms = {LC + name for name in ("addressesKeyFeature", "addressesChallenge", "KeyFeature")}
    assert closest(LC + "adressesKeyFeature", terms) == LC + "addressesKeyFeature"
    assert closest(LC + "keyfeature", terms) == LC + "KeyFeature"
    assert closest(LC + "x", set()) is None


@pytest.mark.parametrize("profile_flag", [(), ("--profile",)], ids=["validate", "profile"])
def test_cli_names_both_typos_with_their_suggestion(
    tmp_path: Path, profile_flag: tuple[str, ...]
) -> None:
    path = tmp_path / "typos.ttl"
    path.write_text(PREFIXES + PROPERTY_TYPO + "\n" + CLASS_TYPO_ALONE + "\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--root", str(PROJECT_ROOT), "validate", *profile_flag, str(path)]
    )
    assert result.exit_code == 1, result.output
    assert "Unknown property lc:adressesKeyFeature: did you mean lc:addressesKeyFeature?" in (
        result.output
    )
    assert "Unknown class lc:LearningCityInitative: did you mean lc:LearningCityInitiative?" in (
        result.output
    )
