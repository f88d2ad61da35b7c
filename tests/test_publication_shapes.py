"""A publication's languages come from its settings; the shared profile is language-neutral.

A label in the first language of `languages` is required (violation), each other language is
a warning; any well-formed BCP 47 tag works (fi, es, ar, zh-Hans here); the rules apply to the
publication's own resources only, never to shared reference data or a partner's.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from chava import namespaces
from chava.cli import cli
from chava.config import Settings
from chava.errors import ConfigError, LoadError
from chava.generate import DEFAULT_BASE_IRI, generate_chunks
from chava.loading.sources import (
    IMPORTS_GRAPH,
    REFERENCE_GRAPH,
    Publication,
    load_files,
    load_publication,
    parse_file,
)
from chava.validation.publication_shapes import (
    EXECUTABLE_CLASSES,
    LABELLED_CLASSES,
    QUALIFIED_RELATION_CLASSES,
    publication_shapes,
    publication_shapes_graph,
)
from chava.validation.validate import ValidationReport, validate_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BASE = "https://kaupunki.example.org/"
V, W = "Violation", "Warning"

PREFIXES = f"""
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix lc:      <https://w3id.org/learning-city/def/core#> .
@prefix id:      <{BASE}id/> .
@prefix other:   <https://partner.example.org/id/> .
"""
SOURCE = (
    'id:source\\/s a lc:SourceDocument ; rdfs:label "{first}"@{lang} ; dcterms:title "S" ;'
    ' dcterms:language "fi" .\n'
)


def source(*languages: str) -> str:
    """The described source, labelled in *languages*."""
    labels = " , ".join(f'"S {tag}"@{tag}' for tag in languages)
    return (
        f'id:source\\/s a lc:SourceDocument ; rdfs:label {labels} ; dcterms:title "S" ;'
        ' dcterms:language "fi" .\n'
    )


@pytest.fixture(scope="module")
def profile() -> tuple[ox.Quad, ...]:
    """The shared profile: ontology, imports and shapes of the project, no data."""
    keep = {namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH, namespaces.SHAPES_GRAPH, REFERENCE_GRAPH}
    return tuple(
        quad
        for quad in load_publication(PROJECT_ROOT).quads
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in keep
    )


def settings_for(*languages: str, base: str = BASE) -> Settings:
    return dataclasses.replace(Settings(), languages=languages, data_base_iri=base)


def validate(
    profile: tuple[ox.Quad, ...], turtle: str, settings: Settings, *, own: bool = True
) -> ValidationReport:
    graph = ox.NamedNode(settings.data_base_iri + "graph/asserted")
    data = [
        ox.Quad(t.subject, t.predicate, t.object, graph)
        for t in ox.parse(PREFIXES + turtle, format=ox.RdfFormat.TURTLE)
    ]
    return validate_publication(
        Publication(profile + tuple(data), (), {}),
        languages=settings.languages,
        extra_shapes=publication_shapes(settings) if own else (),
    )


def results(report: ValidationReport) -> set[tuple[str, str, str]]:
    """(focus, severity, shape fragment) for each result."""
    return {
        (result.focus_node.removeprefix(BASE), result.severity, result.source_shape.split("#")[-1])
        for result in report.results
    }


def organisation(labels: str) -> str:
    return f"id:organization\\/x a org:Organization ; {labels} ; dcterms:source id:source\\/s .\n"


LANGUAGE_SETS = [("fi", "en"), ("es", "fr"), ("ar", "en", "fr"), ("zh-Hans", "en")]


@pytest.mark.parametrize("languages", LANGUAGE_SETS, ids="-".join)
def test_labels_in_every_language_conform(
    profile: tuple[ox.Quad, ...], languages: tuple[str, ...]
) -> None:
    labels = " , ".join(f'"Nimi {tag}"@{tag}' for tag in languages)
    turtle = source(*languages) + organisation(f"rdfs:label {labels}")
    report = validate(profile, turtle, settings_for(*languages))
    assert report.results == ()


@pytest.mark.parametrize("languages", LANGUAGE_SETS, ids="-".join)
def test_first_language_missing_is_a_violation_others_warnings(
    profile: tuple[ox.Quad, ...], languages: tuple[str, ...]
) -> None:
    first, *others = languages
    only_others = " , ".join(f'"Nimi {tag}"@{tag}' for tag in others)
    turtle = source(*languages) + organisation(f"rdfs:label {only_others}")
    report = validate(profile, turtle, settings_for(*languages))
    assert results(report) == {("id/organization/x", V, f"label-{first.lower()}")}
    assert not report.conforms
    turtle = source(*languages) + organisation(f'rdfs:label "Nimi"@{first}')
    report = validate(profile, turtle, settings_for(*languages))
    assert results(report) == {("id/organization/x", W, f"label-{tag.lower()}") for tag in others}
    assert report.conforms


def test_concepts_need_a_preferred_label_in_the_first_language(
    profile: tuple[ox.Quad, ...],
) -> None:
    turtle = SOURCE.format(first="Lähde", lang="fi") + (
        'id:scheme\\/s a skos:ConceptScheme ; rdfs:label "Teemat"@fi ;'
        " dcterms:source id:source\\/s ; skos:hasTopConcept id:concept\\/c .\n"
        'id:concept\\/c a skos:Concept ; skos:prefLabel "Theme"@en ; skos:inScheme id:scheme\\/s ;'
        " skos:topConceptOf id:scheme\\/s ; dcterms:source id:source\\/s .\n"
    )
    report = validate(profile, turtle, settings_for("fi"))
    assert results(report) == {("id/concept/c", V, "pref-label-fi")}


def test_the_shared_profile_alone_takes_any_language(profile: tuple[ox.Quad, ...]) -> None:
    """A partner is judged by the shared profile: a Finnish-only label is fine for it."""
    turtle = SOURCE.format(first="S", lang="fi") + organisation('rdfs:label "Nimi"@fi')
    assert validate(profile, turtle, settings_for("fr", "en"), own=False).results == ()


def test_only_the_publications_own_resources_are_held_to_its_languages(
    profile: tuple[ox.Quad, ...],
) -> None:
    """A partner's resource and shared reference data keep their own languages."""
    turtle = SOURCE.format(first="S", lang="fr") + (
        'other:organization\\/y a org:Organization ; rdfs:label "Nimi"@fi ;'
        " dcterms:source id:source\\/s .\n"
        "<https://w3id.org/learning-city/id/organization/z> a org:Organization ;"
        ' rdfs:label "Z"@en ; dcterms:source id:source\\/s .\n'
    )
    report = validate(profile, turtle, settings_for("fr"))
    assert results(report) == set()


def test_a_generated_city_in_finnish_conforms_with_finnish_first(
    profile: tuple[ox.Quad, ...],
) -> None:
    """`chava generate` data whose French labels are turned Finnish: fine with fi,en."""
    text = "".join(generate_chunks(cities=1, seed=3))
    finnish = re.sub(r'"@fr\b', '"@fi', text)
    data = tuple(ox.parse(finnish, format=ox.RdfFormat.N_QUADS))

    def check(*languages: str) -> ValidationReport:
        settings = settings_for(*languages, base=DEFAULT_BASE_IRI)
        return validate_publication(
            Publication(profile + data, (), {}),
            languages=languages,
            extra_shapes=publication_shapes(settings),
        )

    finnish_first = check("fi", "en")
    assert finnish_first.count(V) == 0
    assert finnish_first.conforms
    french_first = check("fr", "en")
    assert french_first.count(V) > 100  # every labelled resource lacks its French label


@pytest.mark.parametrize(
    ("languages", "first_message_language"),
    [(("fr", "en"), "fr"), (("fi", "en"), "en"), (("es",), "en"), (("en", "fr"), "en")],
)
def test_messages_in_french_and_english_preferred_language_first_else_english(
    profile: tuple[ox.Quad, ...], languages: tuple[str, ...], first_message_language: str
) -> None:
    report = validate(profile, organisation('rdfs:label "x"@fi'), settings_for(*languages))
    own = [result for result in report.results if "publication-shapes" in result.source_shape]
    assert own
    for result in own:
        first, second = result.message.split(" / ")
        french, english = (first, second) if first_message_language == "fr" else (second, first)
        assert "manquant" in french, result.message
        assert english.startswith("Missing"), result.message


@pytest.mark.parametrize("languages", [(), ("fr", "en_GB"), ("123",), ("fi", "FI")])
def test_a_malformed_languages_setting_is_refused(languages: tuple[str, ...]) -> None:
    with pytest.raises(ConfigError, match="languages"):
        publication_shapes(settings_for(*languages))


def test_shapes_live_under_the_publications_own_base() -> None:
    quads = publication_shapes(settings_for("fi", "en"))
    assert {quad.graph_name for quad in quads} == {
        ox.NamedNode(publication_shapes_graph(settings_for("fi")))
    }
    named = {q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}
    assert named
    assert all(iri.startswith(BASE + "def/publication-shapes") for iri in named)
    assert not any(namespaces.LCSH in iri for iri in named)


def test_targets_match_the_shared_profiles_label_rules() -> None:
    """The generated shapes target exactly the classes of the shared label rules."""
    target = ox.NamedNode(namespaces.SH + "targetClass")
    quads = [
        quad
        for path in sorted((PROJECT_ROOT / "shapes").glob("*.ttl"))
        for quad in parse_file(path)
    ]

    def targets(shape: str) -> set[str]:
        node = ox.NamedNode(namespaces.LCSH + shape)
        return {
            q.object.value
            for q in quads
            if q.subject == node and q.predicate == target and isinstance(q.object, ox.NamedNode)
        }

    assert targets("LabelledResourceShape") == set(LABELLED_CLASSES)
    assert targets("QualifiedRelationShape") == set(QUALIFIED_RELATION_CLASSES)
    assert targets("ExampleQueryShape") == set(EXECUTABLE_CLASSES)


def test_a_malformed_language_tag_in_data_is_refused_with_its_line(tmp_path: Path) -> None:
    """BCP 47 well-formedness is checked when reading: the file and line are named."""
    path = tmp_path / "data.ttl"
    path.write_text(PREFIXES + '\nid:organization\\/x rdfs:label "Nimi"@fi_FI .\n', "utf-8")
    with pytest.raises(LoadError) as raised:
        load_files([path])
    assert raised.value.line == PREFIXES.count("\n") + 2


def test_cli_validate_follows_the_languages_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`chava validate` on a publication whose labels are Finnish: fails in fr, passes in fi."""
    root = tmp_path / "kaupunki"
    for folder in ("ontology", "shapes"):
        shutil.copytree(PROJECT_ROOT / folder, root / folder)
    (root / "data").mkdir()
    turtle = SOURCE.format(first="Lähde", lang="fi") + organisation('rdfs:label "Kaupunki"@fi')
    (root / "data" / "things.ttl").write_text(PREFIXES + turtle, encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("CHAVA_DATA_BASE_IRI", BASE)
    runner = CliRunner()
    monkeypatch.setenv("CHAVA_LANGUAGES", "fr,en")
    refused = runner.invoke(cli, ["validate"])
    assert refused.exit_code == 1, refused.output
    assert "Missing rdfs:label in fr (@fr): the publication's first language." in refused.output
    monkeypatch.setenv("CHAVA_LANGUAGES", "fi,en")
    accepted = runner.invoke(cli, ["validate"])
    assert accepted.exit_code == 0, accepted.output
    assert "Missing rdfs:label in en (@en)" in accepted.output
    assert "0 violations, 2 warnings" in accepted.output
