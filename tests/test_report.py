"""Rendering validation reports: one line per result for people, Turtle and JSON-LD for machines."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from chava import namespaces
from chava.loading.rdflib_bridge import to_rdflib_graph
from chava.loading.sources import load_publication
from chava.validation.report import REPORT_FORMATS, render_report, render_text, summary
from chava.validation.validate import (
    ValidationReport,
    ValidationResult,
    validate_publication,
)

SH = namespaces.SH
CHAVA = namespaces.ID


def result(
    severity: str = "Violation",
    focus_node: str = CHAVA + "org/x",
    path: str | None = namespaces.SKOS + "prefLabel",
    value: str | None = None,
    message: str = "Libellé requis / Label required",
    source_file: Path | None = None,
) -> ValidationResult:
    return ValidationResult(
        severity=severity,
        focus_node=focus_node,
        path=path,
        value=value,
        message=message,
        source_shape="_:shape",
        constraint=SH + "MinCountConstraintComponent",
        source_file=source_file,
    )


def report_of(*results: ValidationResult) -> ValidationReport:
    conforms = not any(item.severity == "Violation" for item in results)
    return ValidationReport(conforms, results, Graph())


@pytest.mark.parametrize(
    ("item", "line"),
    [
        (result(), "Violation chava:org/x skos:prefLabel: Libellé requis / Label required"),
        (
            result(severity="Warning", value='"Ville"@de', message="fr or en"),
            'Warning   chava:org/x skos:prefLabel "Ville"@de: fr or en',
        ),
        (
            result(severity="Info", path=None, message="incomplete"),
            "Info      chava:org/x: incomplete",
        ),
        (
            result(focus_node="_:b12", value=f"<{CHAVA}theme/culture>", message="m"),
            "Violation _:b12 skos:prefLabel chava:theme/culture: m",
        ),
        (
            result(value=f'"2020-13-01"^^<{namespaces.XSD}date>', message="m"),
            'Violation chava:org/x skos:prefLabel "2020-13-01"^^xsd:date: m',
        ),
        (
            result(path=f"<{namespaces.ORG}memberOf> / ^<{namespaces.ORG}hasMember>", message="m"),
            "Violation chava:org/x org:memberOf / ^org:hasMember: m",
        ),
        (
            result(focus_node="https://example.org/city/1 x", path=None, message="m"),
            "Violation <https://example.org/city/1 x>: m",
        ),
    ],
)
def test_text_line_shows_severity_focus_path_value_and_message(
    item: ValidationResult, line: str
) -> None:
    assert render_text(report_of(item)).splitlines()[0] == line


def test_text_line_ends_with_the_data_file_relative_to_the_base(tmp_path: Path) -> None:
    data_file = tmp_path / "data" / "orgs.ttl"
    text = render_text(report_of(result(source_file=data_file)), relative_to=tmp_path)
    assert text.splitlines()[0].endswith(" (data/orgs.ttl)")


def test_files_outside_the_base_keep_their_full_path(tmp_path: Path) -> None:
    elsewhere = Path("/srv/partner/city.ttl")
    text = render_text(report_of(result(source_file=elsewhere)), relative_to=tmp_path)
    assert text.splitlines()[0].endswith(" (/srv/partner/city.ttl)")


def test_long_literal_values_are_shortened() -> None:
    long_value = '"' + "x" * 200 + '"@fr'
    line = render_text(report_of(result(value=long_value))).splitlines()[0]
    assert '"' + "x" * 77 + '…"@fr:' in line


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        ((), "conforms: 0 violations, 0 warnings, 0 infos in 0 files"),
        (
            (result(source_file=Path("a.ttl")),),
            "does not conform: 1 violation, 0 warnings, 0 infos in 1 file",
        ),
        (
            (
                result(source_file=Path("a.ttl")),
                result(source_file=Path("a.ttl")),
                result(severity="Warning", source_file=Path("b.ttl")),
                result(severity="Info"),
            ),
            "does not conform: 2 violations, 1 warning, 1 info in 2 files",
        ),
        (
            (result(severity="Warning"), result(severity="Warning")),
            "conforms: 0 violations, 2 warnings, 0 infos in 0 files",
        ),
    ],
)
def test_summary_counts_severities_and_files(
    results: tuple[ValidationResult, ...], expected: str
) -> None:
    report = report_of(*results)
    assert summary(report) == expected
    assert render_text(report).splitlines()[-1] == expected


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown report format 'csv'"):
        render_report(report_of(), "csv")


@pytest.fixture
def real_report(tmp_path: Path) -> ValidationReport:
    """A report from a real validation: one violation with a French and an English message."""
    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
    )
    for folder, text in (
        ("ontology", prefixes),
        (
            "shapes",
            prefixes + "<urn:shape> a sh:NodeShape ; sh:targetClass skos:Concept ;\n"
            "  sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ;\n"
            '    sh:message "Libellé requis"@fr, "Label required"@en ] .\n',
        ),
        ("data", prefixes + f"<{CHAVA}theme/x> a skos:Concept .\n"),
    ):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / f"{folder}.ttl").write_text(text, encoding="utf-8")
    return validate_publication(load_publication(tmp_path))


def test_turtle_is_the_shacl_report_graph(real_report: ValidationReport) -> None:
    graph = Graph().parse(data=render_report(real_report, "turtle"), format="turtle")
    assert (None, URIRef(SH + "conforms"), Literal(False)) in graph
    assert (None, URIRef(SH + "focusNode"), URIRef(CHAVA + "theme/x")) in graph
    assert len(list(graph.objects(None, URIRef(SH + "resultMessage")))) == 2


def test_json_ld_is_the_same_graph_with_an_inline_context(real_report: ValidationReport) -> None:
    text = render_report(real_report, "json-ld")
    document = json.loads(text)
    assert document["@context"]["sh"] == SH
    assert all(isinstance(value, str) for value in document["@context"].values())
    # pyoxigraph parses JSON-LD offline (rdflib's parser warns of its own deprecations).
    graph = to_rdflib_graph(ox.parse(text.encode(), format=ox.RdfFormat.JSON_LD))
    assert graph.isomorphic(Graph().parse(data=render_report(real_report, "turtle")))


def test_every_format_renders(real_report: ValidationReport) -> None:
    for output_format in REPORT_FORMATS:
        assert render_report(real_report, output_format).strip()
