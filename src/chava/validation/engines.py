"""The SHACL engines behind `chava.validation.validate`, and how their reports merge into one.

- `oxigraph` (the default): SHACL Core compiled to SPARQL, run in Rust on the validation store
  (`chava.validation.engine_oxigraph`); the fastest with the same results.
- `rudof`: pyrudof's native engine (`chava.validation.rudof_engine`), when pyrudof is installed.
- `pyshacl`: the reference (`chava.validation.engine_pyshacl`); all of SHACL Core and SHACL-SPARQL.

A shape with a target that the chosen engine cannot evaluate (for `oxigraph`: what
`chava.validation.shacl_shapes` does not read, such as `sh:sparql`; for `rudof`: `sh:sparql`) runs
on pyshacl, with the targets of every other shape removed; its results join the same report.
Shapes without a `sh:message` get the same wording whichever engine reported them.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from chava import namespaces
from chava.errors import ConfigError
from chava.validation.shacl_shapes import TARGETS, ShapesGraph, Term
from chava.validation.validation_progress import NoProgress, Progress

if TYPE_CHECKING:  # imported when an engine runs: the CLI reads ENGINES without rdflib
    from rdflib import Graph

    from chava.validation.validation_input import EngineInput

logger = logging.getLogger(__name__)

ENGINES: Final = ("oxigraph", "rudof", "pyshacl")
DEFAULT_ENGINE: Final = "oxigraph"
SH: Final = namespaces.SH
TARGET_PREDICATES: Final = frozenset(SH + name for name in TARGETS)
RDF_TYPE: Final = namespaces.RDF + "type"


def run_engine(
    name: str, given: EngineInput, *, progress: Progress | None = None, threads: int = 0
) -> tuple[Graph, list[tuple[Term, str]]]:
    """Validate with engine *name*; return the report graph and the shapes handed to pyshacl
    (with the reason). *threads*: for the oxigraph engine (0: one per core, at most 4).
    Raises ConfigError for an unknown engine, ShaclEngineError on failure."""
    if name not in ENGINES:
        raise ConfigError(f"unknown SHACL engine {name!r}; expected one of {', '.join(ENGINES)}")
    from chava.validation.report_graph import ReportWriter, default_messages

    progress = progress or NoProgress()
    graph = ShapesGraph(given.shapes)
    targets = graph.target_shapes()
    writer = ReportWriter(graph.index)
    progress.start(len(targets))
    handed: list[tuple[Term, str]] = []
    if name == "oxigraph":
        from chava.validation.engine_oxigraph import compile_shapes, run_checks

        plans, handed = compile_shapes(given, graph, targets)
        run_checks(given, plans, writer, progress, threads=threads or min(4, os.cpu_count() or 1))
    elif name == "rudof":
        from chava.validation.rudof_engine import RUDOF_UNSUPPORTED, rudof_report

        handed = [
            (node, reason)
            for node, _ in targets
            if (reason := _reaches(graph, node, RUDOF_UNSUPPORTED))
        ]
        native = {node for node, _ in targets} - {node for node, _ in handed}
        if native:
            writer.merge(rudof_report(given, only_targets(given.shapes, graph, native)))
        for _ in native:
            progress.shape_done(0)
    else:
        handed = [(node, "pyshacl chosen") for node, _ in targets]
    if handed:
        from chava.validation.engine_pyshacl import pyshacl_report

        for node, reason in handed:
            logger.info("shape %s runs on pyshacl: %s", node, reason)
        chosen = {node for node, _ in handed}
        writer.merge(pyshacl_report(given, only_targets(given.shapes, graph, chosen)))
        for _ in handed:
            progress.shape_done(0)
    progress.finish()
    report = writer.finish()
    default_messages(report, graph.index)
    return report, handed


def only_targets(quads: Sequence[ox.Quad], graph: ShapesGraph, keep: set[Term]) -> list[ox.Quad]:
    """The shapes graph with the targets of shapes outside *keep* removed (implicit ones too)."""
    implicit = {node for node, is_implicit in graph.target_shapes() if is_implicit}
    shape_types = (ox.NamedNode(SH + "NodeShape"), ox.NamedNode(SH + "PropertyShape"))

    def targets(quad: ox.Quad) -> bool:
        if quad.predicate.value in TARGET_PREDICATES:
            return True
        return (
            quad.subject in implicit
            and quad.predicate.value == RDF_TYPE
            and quad.object not in shape_types
        )

    return [quad for quad in quads if quad.subject in keep or not targets(quad)]


def _reaches(graph: ShapesGraph, node: Term, predicates: frozenset[str]) -> str:
    """Why a shape needs pyshacl: one of *predicates* (or a declared component's parameter)
    on a node it reaches; "" when none."""
    custom = graph.custom_parameters
    seen: set[Term] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen.add(current)
        properties = graph.index.get(current, {})
        for predicate, values in properties.items():
            if predicate in predicates or predicate in custom:
                return f"{current}: <{predicate}>"
            if (
                predicate.startswith(SH)
                or predicate.startswith(namespaces.RDF + "_")
                or predicate in (namespaces.RDF + "first", namespaces.RDF + "rest")
            ):
                todo.extend(v for v in values if isinstance(v, ox.BlankNode | ox.NamedNode))
    return ""
