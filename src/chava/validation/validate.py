"""SHACL validation of a publication, entirely offline, as a typed report, with any engine.

`validate_publication` builds the validation input once (`chava.validation.validation_input`: the
data, its RDFS entailments, the shapes and the ontology), runs the chosen engine
(`chava.validation.engines`: `oxigraph` by default, `rudof`, or `pyshacl` the reference; shapes an
engine cannot evaluate run on pyshacl and the results merge) and reads the report graph into
`ValidationReport`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from chava import namespaces
from chava.loading.sources import Publication
from chava.validation.validation_input import (
    HARVEST_SEGMENT,
    ONTOLOGY_GRAPHS,
    QUARANTINE_SEGMENT,
    EngineInput,
    engine_input,
)
from chava.validation.validation_progress import Progress
from chava.validation.validation_terms import render_path, render_term
from chava.validation.vocabulary_check import annotate_report, unknown_terms

__all__ = [
    "HARVEST_SEGMENT",
    "ONTOLOGY_GRAPHS",
    "QUARANTINE_SEGMENT",
    "EngineInput",
    "ValidationReport",
    "ValidationResult",
    "engine_input",
    "report_of",
    "validate_publication",
]

logger = logging.getLogger(__name__)

SH: Final = namespaces.SH
SEVERITIES: Final = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class ValidationResult:
    """One sh:ValidationResult, flattened into strings a person or a test can read."""

    severity: str
    """"Violation", "Warning" or "Info"."""
    focus_node: str
    """The focus node's IRI, or `_:id` for a blank node."""
    path: str | None
    """The result path: an IRI, or a SPARQL-like rendering of a complex path."""
    value: str | None
    """The offending value in N-Triples-like syntax."""
    message: str
    """Every sh:resultMessage, preferred language first, joined with " / "."""
    source_shape: str
    constraint: str
    """The full IRI of the constraint component, e.g. sh:MinCountConstraintComponent."""
    source_file: Path | None
    """The data file that first states something about the focus node, when known."""


@dataclass(frozen=True)
class ValidationReport:
    """Conformance, the flattened results (violations first) and the sh:ValidationReport graph.

    `conforms` is True when no result has severity Violation: warnings and infos are reported
    but do not break conformance.
    """

    conforms: bool
    results: tuple[ValidationResult, ...]
    graph: Graph

    def count(self, severity: str) -> int:
        """Return how many results have *severity*."""
        return sum(1 for result in self.results if result.severity == severity)


def validate_publication(
    publication: Publication,
    *,
    shapes: Publication | None = None,
    languages: Sequence[str] = ("fr", "en"),
    extra_shapes: Sequence[ox.Quad] = (),
    engine: str | None = None,
    threads: int = 0,
    progress: Progress | None = None,
) -> ValidationReport:
    """Validate a publication's data graphs against shapes, with RDFS entailment, offline.

    The data is every graph but the ontology, shapes, imports, harvest and quarantine graphs.
    The shapes are the shapes graph of *shapes* when given (plus its default graph: plain
    files), else of the publication. The ontology and imports graphs of both, and the plain files of
    *shapes*, give the class and property hierarchies (pyshacl mixes their RDFS/OWL axioms into
    the data; every engine does the same). *extra_shapes* are added to the shapes whatever their
    graph: the publication's own requirements (`chava.validation.publication_shapes`), never used
    for a partner's data. *engine* is one of `chava.validation.engines.ENGINES` (default: the
    fastest, `oxigraph`), run on *threads* threads (0: one per core, at most 4); *progress* hears of
    shapes done and results found. Messages are given in
    *languages* order, then English, then the others.
    Raises ShaclEngineError when there is no shape at all or the engine fails, ConfigError for
    an unknown engine.
    """
    from chava.validation.engines import DEFAULT_ENGINE, run_engine

    given = engine_input(publication, shapes=shapes, extra_shapes=extra_shapes)
    report_graph, _handed = run_engine(
        engine or DEFAULT_ENGINE, given, progress=progress, threads=threads
    )
    report = report_of(report_graph, given, publication, languages)
    logger.info(
        "validated %d data statements with %s: %d results",
        len(given.data_quads),
        engine or DEFAULT_ENGINE,
        len(report.results),
    )
    return report


def report_of(
    report_graph: Graph,
    given: EngineInput,
    publication: Publication,
    languages: Sequence[str],
) -> ValidationReport:
    """Turn an engine's sh:ValidationReport graph into chava's report, for any engine.

    Adds the unknown `lc:` terms (with the closest defined term), then reads every result.
    """
    annotate_report(report_graph, unknown_terms(given.data_quads, given.ontology_quads))
    for prefix, namespace in namespaces.PREFIXES.items():
        report_graph.bind(prefix, namespace, replace=True)
    results = tuple(sorted(_results(report_graph, publication, languages), key=_order))
    conforms = not any(result.severity == "Violation" for result in results)
    return ValidationReport(conforms, results, report_graph)


def _results(
    report: Graph, publication: Publication, languages: Sequence[str]
) -> Iterator[ValidationResult]:
    for result in report.objects(None, URIRef(SH + "result")):
        focus = report.value(result, URIRef(SH + "focusNode"))
        severity = report.value(result, URIRef(SH + "resultSeverity"))
        path = report.value(result, URIRef(SH + "resultPath"))
        value = report.value(result, URIRef(SH + "value"))
        yield ValidationResult(
            severity=str(severity).removeprefix(SH) if severity is not None else "Violation",
            focus_node=render_term(focus, bare_iri=True) if focus is not None else "",
            path=render_path(report, path) if path is not None else None,
            value=render_term(value) if value is not None else None,
            message=_message(report, result, languages),
            source_shape=render_term(report.value(result, URIRef(SH + "sourceShape")), True),
            constraint=str(report.value(result, URIRef(SH + "sourceConstraintComponent")) or ""),
            source_file=_origin(publication, focus),
        )


def _message(report: Graph, result: Node, languages: Sequence[str]) -> str:
    messages = list(report.objects(result, URIRef(SH + "resultMessage")))

    def preference(message: Node) -> tuple[int, str, str]:
        language = message.language if isinstance(message, Literal) else None
        return (message_rank(message, languages), language or "", str(message))

    return " / ".join(_one_line(str(message)) for message in sorted(messages, key=preference))


def message_rank(message: Node, languages: Sequence[str]) -> int:
    """Order messages: the publication's languages first, then English, then the others."""
    language = (message.language or "").lower() if isinstance(message, Literal) else ""
    wanted = [tag.lower() for tag in languages]
    if language in wanted:
        return wanted.index(language)
    return len(wanted) if language == "en" else len(wanted) + 1


def _origin(publication: Publication, focus: Node | None) -> Path | None:
    if isinstance(focus, URIRef):
        try:
            return publication.origins.get(ox.NamedNode(str(focus)))
        except ValueError:  # pyshacl may write a literal focus node as an IRI
            return None
    if isinstance(focus, BNode):
        return publication.origins.get(ox.BlankNode(str(focus)))
    return None


def _order(result: ValidationResult) -> tuple[int, str, str, str, str]:
    rank = SEVERITIES.index(result.severity) if result.severity in SEVERITIES else len(SEVERITIES)
    return (
        rank,
        str(result.source_file or ""),
        result.focus_node,
        result.path or "",
        result.value or "",
    )


def _one_line(text: str) -> str:
    return " ".join(text.split())
