"""Run the W3C SHACL Core test suite through chava's engines and print how many tests pass.

    git clone https://github.com/w3c/data-shapes
    .venv/bin/python benchmarks/w3c_shacl.py data-shapes/data-shapes-test-suite/tests/core

The suite is not bundled (the repository states no licence for it): point this script, or
`CHAVA_W3C_SHACL_TESTS` for `tests/test_w3c_shacl.py`, at a copy. Each test's data graph and
shapes graph go to the engine as they are (no RDFS entailment: the suite assumes none; SHACL's
own rdfs:subClassOf semantics for sh:class and sh:targetClass are the engine's). A test passes
when the engine's results equal the expected ones as a set of (severity, focus node, path,
value, constraint component, source shape), blank nodes compared by their statements (the
suite does not fix messages), or when a test expecting a failure gets one. For the oxigraph
engine the table also says which tests ran (in part) on pyshacl: shapes it does not compile.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import pyoxigraph as ox
from rdflib import Graph

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from chava import namespaces
from chava.errors import PublisherError
from chava.loading.rdflib_bridge import rdflib_term, to_rdflib_graph
from chava.loading.sources import Publication
from chava.validation.engines import ENGINES, run_engine
from chava.validation.validate import report_of
from chava.validation.validation_input import engine_input
from chava.validation.validation_terms import render_path, render_term

SH: Final = namespaces.SH
MF: Final = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
SHT: Final = "http://www.w3.org/ns/shacl-test#"
RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
DATA_GRAPH: Final = ox.NamedNode("urn:chava:w3c:data")
SHAPES: Final = ox.NamedNode(namespaces.SHAPES_GRAPH)
Key = tuple[str, str, str | None, str | None, str, str]


@dataclass(frozen=True)
class W3CTest:
    """One sht:Validate entry: its files and what it expects."""

    name: str
    folder: str
    data: Path
    shapes: Path
    manifest: Path
    expected: frozenset[Key] | None
    """The expected results, or None when the shapes graph must be refused."""


@dataclass(frozen=True)
class Outcome:
    """How one engine did on one test."""

    test: W3CTest
    passed: bool
    handed: int
    """Shapes the engine handed to pyshacl."""
    detail: str


def load_tests(root: Path) -> list[W3CTest]:
    """Every test under *root* (a folder with a manifest.ttl), following mf:include."""
    tests: list[W3CTest] = []
    for manifest in sorted(root.rglob("*.ttl")):
        quads = _parse(manifest)
        for quad in quads:
            if quad.predicate == RDF_TYPE and quad.object == ox.NamedNode(SHT + "Validate"):
                tests.append(_test(manifest, quads, quad.subject, root))
    return tests


def run_test(test: W3CTest, engine: str) -> Outcome:
    """Validate the test's data with *engine* and compare with what the test expects."""
    data = [ox.Quad(q.subject, q.predicate, q.object, DATA_GRAPH) for q in _parse(test.data)]
    shapes = [ox.Quad(q.subject, q.predicate, q.object, SHAPES) for q in _parse(test.shapes)]
    publication = Publication(tuple(data), (), {})
    try:
        given = engine_input(publication, shapes=Publication(tuple(shapes), (), {}))
        graph, handed = run_engine(engine, given, threads=1)
        report = report_of(graph, given, publication, ("en",))
    except PublisherError as error:
        passed = test.expected is None
        return Outcome(test, passed, 0, "" if passed else f"failed: {error}")
    if test.expected is None:
        return Outcome(test, False, len(handed), "no failure where one is expected")
    described = Described([*data, *shapes, *_parse(test.manifest)])
    actual = {
        (
            r.severity,
            described.text(r.focus_node),
            r.path,
            described.text(r.value) if r.value is not None else None,
            r.constraint,
            described.text(r.source_shape),
        )
        for r in report.results
    }
    missing, extra = test.expected - actual, actual - test.expected
    detail = "" if not (missing or extra) else f"missing {sorted(missing)} extra {sorted(extra)}"
    return Outcome(test, not (missing or extra), len(handed), detail)


class Described:
    """Render a blank node by its statements, so that two graphs' blank nodes compare."""

    def __init__(self, quads: list[ox.Quad]) -> None:
        self.outgoing: dict[str, list[tuple[str, object]]] = {}
        for triple in dict.fromkeys(quad.triple for quad in quads):
            if isinstance(triple.subject, ox.BlankNode):
                self.outgoing.setdefault(triple.subject.value, []).append(
                    (triple.predicate.value, triple.object)
                )

    def text(self, rendered: str) -> str:
        """A rendered term (`_:label` for a blank node) as compared."""
        return self._describe(rendered[2:], 0) if rendered.startswith("_:") else rendered

    def _describe(self, label: str, depth: int) -> str:
        if depth > 6:
            return "[...]"
        parts = sorted(
            f"{p} {self._describe(o.value, depth + 1) if isinstance(o, ox.BlankNode) else o}"
            for p, o in self.outgoing.get(label, ())
        )
        return "[" + " ; ".join(parts) + "]"


def _test(manifest: Path, quads: list[ox.Quad], entry: object, root: Path) -> W3CTest:
    by_subject: dict[object, dict[str, list[object]]] = {}
    for quad in quads:
        by_subject.setdefault(quad.subject, {}).setdefault(quad.predicate.value, []).append(
            quad.object
        )

    def one(node: object, predicate: str) -> object:
        return by_subject.get(node, {}).get(predicate, [None])[0]

    action = one(entry, MF + "action")
    result = one(entry, MF + "result")
    data = one(action, SHT + "dataGraph")
    shapes = one(action, SHT + "shapesGraph")
    name = entry.value.rsplit("/", 1)[-1] if isinstance(entry, ox.NamedNode) else str(entry)
    folder = str(manifest.parent.relative_to(root))
    expected: frozenset[Key] | None = None
    if result != ox.NamedNode(SHT + "Failure"):
        graph = to_rdflib_graph(quads)
        described = Described(quads)
        expected = frozenset(_expected(by_subject, result, graph, described))
    return W3CTest(name, folder, _file(manifest, data), _file(manifest, shapes), manifest, expected)


def _expected(
    by_subject: dict[object, dict[str, list[object]]],
    report: object,
    graph: Graph,
    described: Described,
) -> Iterator[Key]:
    for result in by_subject.get(report, {}).get(SH + "result", []):
        values = by_subject.get(result, {})

        def first(name: str, values: dict[str, list[object]] = values) -> object:
            return values.get(SH + name, [None])[0]

        path = first("resultPath")
        value = first("value")
        severity = first("resultSeverity")
        component = first("sourceConstraintComponent")
        yield (
            severity.value.removeprefix(SH) if isinstance(severity, ox.NamedNode) else "",
            described.text(_rendered(first("focusNode"), bare=True)),
            render_path(graph, rdflib_term(path)) if _is_term(path) else None,  # type: ignore[arg-type]
            described.text(_rendered(value)) if value is not None else None,
            component.value if isinstance(component, ox.NamedNode) else "",
            described.text(_rendered(first("sourceShape"), bare=True)),
        )


def _rendered(term: object, bare: bool = False) -> str:
    return render_term(rdflib_term(term), bare) if _is_term(term) else ""  # type: ignore[arg-type]


def _is_term(term: object) -> bool:
    return isinstance(term, ox.NamedNode | ox.BlankNode | ox.Literal)


def _file(manifest: Path, node: object) -> Path:
    if isinstance(node, ox.NamedNode) and node.value.startswith("file:"):
        return Path(node.value.removeprefix("file://"))
    return manifest


def _parse(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=path, format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))


def main(argv: list[str] | None = None) -> int:
    """Print, per engine, the tests passed by folder, and each failure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite", type=Path, help="the suite's tests/core folder")
    parser.add_argument("--engines", default=",".join(ENGINES))
    arguments = parser.parse_args(argv)
    tests = load_tests(arguments.suite)
    for engine in arguments.engines.split(","):
        started = time.perf_counter()
        outcomes = [run_test(test, engine) for test in tests]
        seconds = time.perf_counter() - started
        passed = sum(outcome.passed for outcome in outcomes)
        print(f"{engine}: {passed}/{len(outcomes)} passed in {seconds:.1f} s")
        for folder in sorted({test.folder for test in tests}):
            mine = [outcome for outcome in outcomes if outcome.test.folder == folder]
            handed = sum(1 for outcome in mine if outcome.handed)
            note = f", {handed} in part on pyshacl" if engine == "oxigraph" and handed else ""
            print(f"  {folder}: {sum(o.passed for o in mine)}/{len(mine)}{note}")
        for outcome in outcomes:
            if not outcome.passed:
                print(f"  FAIL {outcome.test.folder}/{outcome.test.name}: {outcome.detail[:300]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
