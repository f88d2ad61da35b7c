"""`chava validate`: exit codes 0/1/2, one-line errors, report formats."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef

from chava import namespaces
from chava.cli import cli

PREFIXES = """\
@prefix lcsh: <https://w3id.org/learning-city/def/shapes#> .
@prefix chorg: <https://w3id.org/chava/id/org/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
"""
SHAPES = (
    PREFIXES
    + """
lcsh:OrganizationShape a sh:NodeShape ;
    sh:targetClass org:Organization ;
    sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ;
                  sh:message "Libellé requis"@fr, "Label required"@en ] ;
    sh:property [ sh:path skos:prefLabel ; sh:languageIn ( "fr" "en" ) ;
                  sh:severity sh:Warning ] .
"""
)
# rdfs:label in French and English: the publication's own language requirements (languages).
NAMED = 'rdfs:label "Nom"@fr , "Name"@en'
GOOD = PREFIXES + f'chorg:charleroi a org:Organization ; {NAMED} ; skos:prefLabel "C"@fr .\n'
UNLABELLED = PREFIXES + f"chorg:x a org:Organization ; {NAMED} .\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A conforming publication in the current folder, with no CHAVA_* variable in the way."""
    for name in list(os.environ):
        if name.startswith("CHAVA_"):
            monkeypatch.delenv(name)
    write(tmp_path / "ontology" / "core.ttl", PREFIXES)
    write(tmp_path / "shapes" / "shapes.ttl", SHAPES)
    write(tmp_path / "data" / "orgs.ttl", GOOD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--root", ".", "validate", *args])


def assert_one_line_error(result: Result, message: str) -> None:
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"error: {message}\n"
    assert isinstance(result.exception, SystemExit)  # no traceback


def test_conforming_project_exits_0(project: Path) -> None:
    result = run()
    assert result.exit_code == 0, result.output
    assert result.stdout == "conforms: 0 violations, 0 warnings, 0 infos in 0 files\n"


def test_warnings_are_printed_but_exit_0(project: Path) -> None:
    write(
        project / "data" / "more.ttl",
        PREFIXES + f'chorg:y a org:Organization ; {NAMED} ; skos:prefLabel "Y"@de .\n',
    )
    result = run()
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        'Warning   chava:org/y skos:prefLabel "Y"@de: Ne respecte pas sh:languageIn (fr, en). '
        "/ Does not satisfy sh:languageIn (fr, en). (data/more.ttl)",
        "conforms: 0 violations, 1 warning, 0 infos in 1 file",
    ]


def test_non_conforming_project_exits_1_with_the_report(project: Path) -> None:
    write(project / "data" / "more.ttl", UNLABELLED)
    result = run()
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "Violation chava:org/x skos:prefLabel: Libellé requis / Label required (data/more.ttl)",
        "does not conform: 1 violation, 0 warnings, 0 infos in 1 file",
    ]
    assert result.stderr == ""


def test_english_first_when_settings_prefer_it(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAVA_LANGUAGES", "en,fr")
    write(project / "data" / "more.ttl", UNLABELLED)
    assert "Label required / Libellé requis" in run().stdout


def test_partner_files_are_validated_against_the_project_shapes(project: Path) -> None:
    write(project / "partner" / "a.ttl", UNLABELLED.replace("chorg:x", "<https://example.org/a>"))
    write(project / "partner" / "b.nt", f"<https://example.org/b> <{namespaces.RDF}type> <x:y> .\n")
    result = run("partner")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == (
        "Violation <https://example.org/a> skos:prefLabel: "
        "Libellé requis / Label required (partner/a.ttl)"
    )


def test_shapes_option_replaces_the_project_shapes(project: Path) -> None:
    write(project / "data" / "more.ttl", UNLABELLED)
    write(
        project / "other-shapes.ttl",
        PREFIXES + "lcsh:Any a sh:NodeShape ; sh:targetClass skos:Concept ;\n"
        "    sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ] .\n",
    )
    result = run("--shapes", "other-shapes.ttl")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("files", "arguments", "message"),
    [
        (
            {"data/bad.ttl": PREFIXES + "\nchorg:a a org:Organization ;\n"},
            [],
            "data/bad.ttl:9:1: Unexpected end",
        ),
        (
            {"data/bad.ttl": '@prefix ex: <http://example.org/> .\n\nex:a ex:b "unterminated .\n'},
            [],
            "data/bad.ttl:3:11: Unexpected end of file",
        ),
        ({}, ["missing.ttl"], "missing.ttl: no such file or folder"),
        (
            {"notes.txt": "hello"},
            ["notes.txt"],
            "notes.txt: unknown RDF file type '.txt'; "
            "known: .jsonld, .nq, .nt, .owl, .rdf, .trig, .ttl (each optionally .gz)",
        ),
        (
            {},
            ["--shapes", "data/orgs.ttl"],
            "data/orgs.ttl: not SHACL: no sh:NodeShape, sh:PropertyShape, "
            "sh:property or target in it",
        ),
        ({}, ["--shapes", "nowhere/"], "nowhere: no such file or folder"),
        (
            {"partner/notes.json": "{}"},
            ["partner"],
            "partner: no RDF file in this folder "
            "(known types: .jsonld, .nq, .nt, .owl, .rdf, .trig, .ttl, each optionally .gz)",
        ),
    ],
)
def test_could_not_validate_exits_2_with_one_line(
    project: Path, files: dict[str, str], arguments: list[str], message: str
) -> None:
    for name, text in files.items():
        write(project / name, text)
    assert_one_line_error(run(*arguments), message)


def test_remote_owl_imports_exits_2_and_fetches_nothing(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append(args)
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    write(
        project / "partner.ttl",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/data> owl:imports <https://example.org/vocabulary.ttl> .\n",
    )
    assert_one_line_error(
        run("partner.ttl"),
        "partner.ttl:2: owl:imports <https://example.org/vocabulary.ttl> refused: chava never "
        "fetches remote documents; ship the vocabulary as a local file instead",
    )
    assert attempts == []


def test_a_folder_that_is_not_a_publication_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--root", str(tmp_path), "validate"])
    assert_one_line_error(
        result, f"{tmp_path}: not a publication root: missing folder(s) ontology, data, shapes"
    )


def test_turtle_format_prints_the_report_graph(project: Path) -> None:
    write(project / "data" / "more.ttl", UNLABELLED)
    result = run("--format", "turtle")
    assert result.exit_code == 1
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (None, URIRef(namespaces.SH + "conforms"), Literal(False)) in graph
    focus = URIRef(namespaces.ID + "org/x")
    assert (None, URIRef(namespaces.SH + "focusNode"), focus) in graph


def test_json_ld_format_prints_the_report_graph(project: Path) -> None:
    result = run("--format", "json-ld")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["@context"]["sh"] == namespaces.SH
    quads = list(ox.parse(result.stdout.encode(), format=ox.RdfFormat.JSON_LD))
    conforms = ox.NamedNode(namespaces.SH + "conforms")
    assert [quad.object for quad in quads if quad.predicate == conforms] == [
        ox.Literal("true", datatype=ox.NamedNode(namespaces.XSD + "boolean"))
    ]


def test_unknown_format_is_a_usage_error(project: Path) -> None:
    result = run("--format", "csv")
    assert result.exit_code == 2
    assert "Invalid value for '--format'" in result.stderr


def test_help_documents_exit_codes() -> None:
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Exit 0: conforms; 1: does not conform; 2: could not validate." in text


@pytest.mark.parametrize("engine", ["pyshacl", "rudof", "oxigraph"])
def test_every_engine_prints_the_same_report(project: Path, engine: str) -> None:
    write(project / "data" / "more.ttl", UNLABELLED)
    write(
        project / "data" / "warn.ttl",
        PREFIXES + f'chorg:y a org:Organization ; {NAMED} ; skos:prefLabel "Y"@de .\n',
    )
    default = run()
    chosen = run("--engine", engine)
    assert default.exit_code == 1
    assert (chosen.exit_code, chosen.stdout) == (default.exit_code, default.stdout)
    assert "Libellé requis / Label required (data/more.ttl)" in default.stdout
    assert "1 violation, 1 warning" in default.stdout


def test_the_engine_setting_is_used_and_checked(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHAVA_VALIDATION_ENGINE", "pyshacl")
    assert run().exit_code == 0
    monkeypatch.setenv("CHAVA_VALIDATION_ENGINE", "jena")
    assert_one_line_error(
        run(), "unknown SHACL engine 'jena'; expected one of oxigraph, rudof, pyshacl"
    )
    assert run("--engine", "oxigraph").exit_code == 0  # the option wins
    unknown = run("--engine", "jena")
    assert unknown.exit_code == 2
    assert "Invalid value for '--engine'" in unknown.stderr
