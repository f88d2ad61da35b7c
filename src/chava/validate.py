"""SHACL validation of a publication with pyshacl, entirely offline, as a typed report."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox
import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from chava import namespaces
from chava.entailment import Statement, entailed_statements
from chava.errors import ShaclEngineError
from chava.rdflib_bridge import statement_of, to_rdflib_graph
from chava.sources import IMPORTS_GRAPH, REFERENCE_GRAPH, Publication
from chava.validation_terms import render_path, render_term
from chava.vocabulary_check import annotate_report, unknown_terms

logger = logging.getLogger(__name__)

SH: Final = namespaces.SH
SEVERITIES: Final = ("Violation", "Warning", "Info")
ONTOLOGY_GRAPHS: Final = frozenset({namespaces.ONTOLOGY_GRAPH, IMPORTS_GRAPH})
QUARANTINE_SEGMENT: Final = "/graph/quarantine/"
"""Graphs named `{data}graph/quarantine/...` hold harvested data that failed the profile: kept
with their report for people to see, never validated again (nor counted as data)."""
HARVEST_SEGMENT: Final = "/graph/harvest/"
"""Graphs named `{data}graph/harvest/...` hold partners' data, judged by the shared profile when
harvested: not validated again with the publication (a partner never blocks our build)."""

# Any of these in the shapes graph makes it a SHACL shapes graph.
SHAPE_TYPES: Final = (URIRef(SH + "NodeShape"), URIRef(SH + "PropertyShape"))
SHAPE_PREDICATES: Final = tuple(
    URIRef(SH + name)
    for name in (
        "targetClass",
        "targetNode",
        "targetSubjectsOf",
        "targetObjectsOf",
        "property",
        "path",
    )
)


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
) -> ValidationReport:
    """Validate a publication's data graphs against shapes, with RDFS entailment, offline.

    The data is every graph but the ontology, shapes, imports, harvest and quarantine graphs.
    The shapes are the shapes graph of *shapes* when given (plus its default graph: plain
    files), else of the publication. The ontology and imports graphs of both, and the plain files of
    *shapes*, are mixed into the data for RDFS reasoning (pyshacl copies only their RDFS/OWL
    axioms). *extra_shapes* are added to the shapes whatever their graph: the publication's own
    requirements (`chava.publication_shapes`), never used for a partner's data. Messages are
    given in *languages* order, then English, then the others.
    Raises ShaclEngineError when there is no shape at all or pyshacl fails.
    """
    given = engine_input(publication, shapes=shapes, extra_shapes=extra_shapes)
    data_graph = to_rdflib_graph(given.data)
    try:
        with _silent_pyshacl():
            _conforms, report_graph, report_text = pyshacl.validate(
                data_graph,
                shacl_graph=to_rdflib_graph(given.shapes),
                ont_graph=to_rdflib_graph(given.ontology),
                inference=None,  # RDFS entailment is done above, 20 times faster
                inplace=True,  # data_graph is our own throw-away copy
                allow_warnings=True,
                allow_infos=True,
                do_owl_imports=False,  # never fetch anything
            )
    except ReportableRuntimeError as error:  # bad shapes: ShapeLoadError, ConstraintLoadError
        raise ShaclEngineError(f"SHACL engine failed: {_one_line(error.message)}") from error
    # On some failures pyshacl returns the exception in place of the report graph.
    if not isinstance(report_graph, Graph):
        raise ShaclEngineError(f"SHACL engine failed: {_one_line(str(report_text))}")
    report = report_of(report_graph, given, publication, languages)
    logger.info("validated %d data triples: %d results", len(data_graph), len(report.results))
    return report


@dataclass(frozen=True)
class EngineInput:
    """What a SHACL engine is given, whichever engine it is."""

    data: list[Statement]
    """The data graph: the data as written and its RDFS entailments."""
    shapes: list[ox.Quad]
    ontology: list[Statement]
    """The class and property hierarchies (ontology, imports, plain shapes files)."""
    data_quads: list[ox.Quad]
    """The data as written, in its graphs."""
    ontology_quads: list[ox.Quad]


def engine_input(
    publication: Publication,
    *,
    shapes: Publication | None = None,
    extra_shapes: Sequence[ox.Quad] = (),
) -> EngineInput:
    """Sort *publication* (and *shapes*) into an engine's input; see validate_publication.

    Raises ShaclEngineError when there is no shape at all.
    """
    data_quads, shapes_quads, ontology_quads = _split(publication, shapes)
    shapes_quads.extend(extra_shapes)
    data = [statement_of(quad) for quad in data_quads]
    ontology = [statement_of(quad) for quad in ontology_quads]
    data.extend(entailed_statements(data, ontology))
    files = _shapes_files(shapes_quads, publication, shapes)
    _require_shapes(to_rdflib_graph(shapes_quads), files)
    return EngineInput(data, shapes_quads, ontology, data_quads, ontology_quads)


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


def _split(
    publication: Publication, shapes: Publication | None
) -> tuple[list[ox.Quad], list[ox.Quad], list[ox.Quad]]:
    """Sort quads into data, shapes and ontology."""
    data: list[ox.Quad] = []
    shape_quads: list[ox.Quad] = []
    ontology: list[ox.Quad] = []
    for quad in publication.quads:
        graph_name = _graph_name(quad)
        if graph_name in ONTOLOGY_GRAPHS:
            ontology.append(quad)
        elif graph_name == namespaces.SHAPES_GRAPH:
            if shapes is None:
                shape_quads.append(quad)
        elif graph_name is None or not (
            QUARANTINE_SEGMENT in graph_name or HARVEST_SEGMENT in graph_name
        ):
            data.append(quad)
    for quad in shapes.quads if shapes is not None else ():
        graph_name = _graph_name(quad)
        if graph_name in ONTOLOGY_GRAPHS:
            ontology.append(quad)
        elif graph_name == namespaces.SHAPES_GRAPH:
            shape_quads.append(quad)
        elif graph_name is None:  # plain files may carry the class hierarchy the shapes need
            shape_quads.append(quad)
            ontology.append(quad)
        elif graph_name == REFERENCE_GRAPH:  # shared reference data: the data's links reach it
            data.append(quad)
        # Other named graphs are the data of the shapes' own publication: not ours to check.
    return data, shape_quads, ontology


def _graph_name(quad: ox.Quad) -> str | None:
    name = quad.graph_name
    return name.value if isinstance(name, ox.NamedNode) else None


def _shapes_files(
    quads: Sequence[ox.Quad], publication: Publication, shapes: Publication | None
) -> list[str]:
    """Name the files the shapes come from, for errors."""
    if shapes is not None:
        return [str(path) for path in shapes.files]
    origins = publication.origins
    return sorted({str(origins[quad.subject]) for quad in quads if quad.subject in origins})


@contextmanager
def _silent_pyshacl() -> Iterator[None]:
    """pyshacl.validate() logs its failures to stderr itself; we raise them as one line."""
    pyshacl_logger = logging.getLogger("pyshacl-validate")
    was_disabled = pyshacl_logger.disabled
    pyshacl_logger.disabled = True
    try:
        yield
    finally:
        pyshacl_logger.disabled = was_disabled


def _require_shapes(graph: Graph, files: Sequence[str]) -> None:
    """Refuse a shapes graph with no shape in it: validating against nothing proves nothing."""
    if any((None, RDF.type, shape_type) in graph for shape_type in SHAPE_TYPES):
        return
    if any((None, predicate, None) in graph for predicate in SHAPE_PREDICATES):
        return
    if not files:
        raise ShaclEngineError("no SHACL shapes to validate against: the shapes graph is empty")
    raise ShaclEngineError(
        f"{', '.join(files)}: not SHACL: no sh:NodeShape, sh:PropertyShape, "
        "sh:property or target in it"
    )


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
        return publication.origins.get(ox.NamedNode(str(focus)))
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
