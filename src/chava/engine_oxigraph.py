"""The default SHACL engine: shapes compiled to SPARQL, run on the validation store (Rust).

`compile_shapes` turns each shape with a target into checks (`chava.shacl_sparql`), or sets
it aside when it uses what is not compiled (`chava.shacl_shapes.UnsupportedShapeError`):
those run on the reference engine, pyshacl (`chava.engines`). `run_checks` runs the checks
shape by shape on the store (every graph as one), reporting progress, and writes each result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from chava.report_graph import ReportWriter
from chava.shacl_shapes import SH, Shape, ShapesGraph, Term, UnsupportedShapeError
from chava.shacl_sparql import Check, Compiler
from chava.validation_input import AXIOMS_GRAPH, EngineInput
from chava.validation_progress import Progress

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    """A shape with a target and its checks."""

    shape: Shape
    focus_query: str
    checks: tuple[Check, ...]


def compile_shapes(
    given: EngineInput, graph: ShapesGraph, targets: Sequence[tuple[Term, bool]]
) -> tuple[list[Plan], list[tuple[Term, str]]]:
    """The plans of the shapes the compiler handles, and the others with the reason."""
    datatypes = {
        quad.object.value
        for quad in given.shapes
        if quad.predicate.value == SH + "datatype" and isinstance(quad.object, ox.NamedNode)
    }
    ill_typed = given.ill_typed(datatypes)
    compiler = Compiler(
        lambda datatype: sorted(ill_typed.get(datatype, ()), key=str),
        AXIOMS_GRAPH,
        given.in_store,
        frozenset(literal.datatype.value for literal in given.stored),
    )
    plans: list[Plan] = []
    others: list[tuple[Term, str]] = []
    for node, implicit in targets:
        try:
            shape = graph.shape(node)
            checks = tuple(compiler.checks(shape, implicit))
            for check in checks:
                _parse(check.query)
            focus = compiler.focus_nodes(shape, implicit)
        except UnsupportedShapeError as reason:
            others.append((node, str(reason)))
            continue
        plans.append(Plan(shape, f"SELECT (COUNT(*) AS ?n) WHERE {{ {focus} }}", checks))
    return plans, others


def run_checks(
    given: EngineInput,
    plans: Sequence[Plan],
    writer: ReportWriter,
    progress: Progress,
    *,
    threads: int = 2,
) -> None:
    """Run every plan on the validation store and write its results.

    Queries run on *threads* threads (Oxigraph evaluates them without Python's lock, so two
    cores validate about twice as fast); results are written here, shape by shape.
    """
    written = given.written
    with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
        running = [pool.submit(_evaluate, given.store, plan) for plan in plans]
        for plan, future in zip(plans, running, strict=True):
            focus_nodes, rows = future.result()
            for check, solutions in zip(plan.checks, rows, strict=True):
                for row in solutions:
                    _write(check, row, writer, progress, written)
            progress.shape_done(focus_nodes)


def _evaluate(store: ox.Store, plan: Plan) -> tuple[int, list[list[ox.QuerySolution]]]:
    """Run a plan's queries: its number of focus nodes, and each check's rows."""
    if plan.shape.deactivated:
        return 0, [[] for _ in plan.checks]
    focus_nodes = sum(int(_value(row, "n")) for row in _query(store, plan.focus_query))
    return focus_nodes, [list(_query(store, check.query)) for check in plan.checks]


def _write(
    check: Check,
    row: ox.QuerySolution,
    writer: ReportWriter,
    progress: Progress,
    written: dict[ox.Literal, ox.Literal],
) -> None:
    """Write the results of one row (a literal the store keeps verbatim, as written)."""
    shape = check.shape
    focus = _term(row["focus"])
    if focus is None:
        return
    focus = written.get(focus, focus) if isinstance(focus, ox.Literal) else focus
    failed: list[tuple[str, Term | None, Term | None]] = []  # component, path, value
    if check.kind == "value":
        value = row["value"]
        for index, constraint in enumerate(check.constraints):
            passed = row[f"k{index}"]
            if not (isinstance(passed, ox.Literal) and passed.value == "true"):
                failed.append((constraint.iri, shape.path_node, _term(value)))
    elif check.kind == "count":
        count = int(_value(row, "n"))
        for constraint in check.constraints:
            bound = constraint.number
            low = constraint.component in ("MinCount", "QualifiedMinCount")
            if count < bound if low else count > bound:
                failed.append((constraint.iri, shape.path_node, None))
    elif check.kind in ("focus", "unique"):
        failed.append((check.constraints[0].iri, shape.path_node, None))
    elif check.kind == "pair":
        failed.append((check.constraints[0].iri, shape.path_node, _term(row["value"])))
    elif check.kind == "closed":
        failed.append((check.constraints[0].iri, _term(row["path"]), _term(row["value"])))
    for component, path, value in failed:
        if isinstance(value, ox.Literal):
            value = written.get(value, value)
        writer.add(
            focus=focus,
            component=component,
            shape=shape.node,
            severity=shape.severity,
            messages=shape.messages,
            path=path,
            value=value,
        )
        progress.result(shape.severity, str(focus), path.value if path is not None else None)


def _query(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _parse(query: str) -> None:
    """Set aside a shape whose query Oxigraph does not parse, rather than fail later."""
    try:
        ox.Store().query(query)
    except SyntaxError as error:
        raise UnsupportedShapeError(f"compiled query not parsed: {error}") from error


def _value(row: ox.QuerySolution, name: str) -> str:
    value = row[name]
    return value.value if isinstance(value, ox.Literal) else "0"


def _term(value: object) -> Term | None:
    return value if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal) else None
