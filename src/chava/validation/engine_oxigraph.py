"""The default SHACL engine: shapes compiled to SPARQL, run on the validation store (Rust).

`compile_shapes` turns each shape with a target into checks (`chava.validation.shacl_sparql`), or
sets it aside when it uses what is not compiled
(`chava.validation.shacl_shapes.UnsupportedShapeError`): those run on the reference engine, pyshacl
(`chava.validation.engines`). `run_checks` runs the checks shape by shape on the store (every graph
as one), reporting progress, and writes each result.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava.validation.report_graph import ReportWriter
from chava.validation.shacl_shapes import SH, Shape, ShapesGraph, Term, UnsupportedShapeError
from chava.validation.shacl_sparql import JOINED, Check, Compiler
from chava.validation.validation_input import AXIOMS_GRAPH, EngineInput
from chava.validation.validation_progress import Progress

logger = logging.getLogger(__name__)

Row = ox.QuerySolution | Mapping[str, object]
"""A query's row, or one made of two (a failing value's flags, and a focus node of it)."""
ROW_KEYS: Final = {
    "value": ("focus", "value"),
    "count": ("focus",),
    "focus": ("focus",),
    "unique": ("focus", "language"),
    "pair": ("focus", "value"),
    "closed": ("focus", "path", "value"),
}
"""What makes a row of each kind of check one result."""
JOIN_CHUNK: Final = 500
"""Failing values named per query when finding their focus nodes."""


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
                seen: set[tuple[object, ...]] = set()
                for row in solutions:  # a statement in two graphs gives its row twice
                    key = tuple(row[name] for name in ROW_KEYS[check.kind])
                    if key not in seen:
                        seen.add(key)
                        _write(check, row, writer, progress, written)
            progress.shape_done(focus_nodes)


def _evaluate(store: ox.Store, plan: Plan) -> tuple[int, list[list[Row]]]:
    """Run a plan's queries: its number of focus nodes, and each check's rows."""
    if plan.shape.deactivated:
        return 0, [[] for _ in plan.checks]
    focus_nodes = sum(int(_value(row, "n")) for row in _query(store, plan.focus_query))
    return focus_nodes, [_rows(store, check) for check in plan.checks]


def _rows(store: ox.Store, check: Check) -> list[Row]:
    """A check's rows; a value check tests each distinct value once, then finds the focus
    nodes of the failing ones (all its pairs again only if a failing value is a blank node,
    which a query cannot name)."""
    if not check.distinct:
        return list(_query(store, check.query))
    failing = {row["value"]: row for row in _query(store, check.distinct)}
    if not failing:
        return []
    if any(isinstance(value, ox.BlankNode) for value in failing):
        return list(_query(store, check.query))
    rows: list[Row] = []
    listed = list(failing)
    for start in range(0, len(listed), JOIN_CHUNK):
        values = " ".join(str(value) for value in listed[start : start + JOIN_CHUNK])
        for pair in _query(store, check.join.replace(JOINED, values)):
            flags = failing[pair["value"]]
            row: dict[str, object] = {"focus": pair["focus"], "value": pair["value"]}
            row.update({f"k{index}": flags[f"k{index}"] for index in range(len(check.constraints))})
            rows.append(row)
    return rows


def _write(
    check: Check,
    row: Row,
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


def _value(row: Row, name: str) -> str:
    value = row[name]
    return value.value if isinstance(value, ox.Literal) else "0"


def _term(value: object) -> Term | None:
    return value if isinstance(value, ox.NamedNode | ox.BlankNode | ox.Literal) else None
