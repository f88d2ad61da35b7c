"""Compare validation reports across engines: results as sets, blank nodes by structure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import pyoxigraph as ox

from chava.validation.validate import ValidationReport

Key = tuple[str, str, str | None, str | None, str, str, str]


def comparable(report: ValidationReport, quads: Iterable[ox.Quad]) -> set[Key]:
    """The results with every blank node replaced by a description of its structure:
    severity, focus node, path, value, constraint component, source shape, message."""
    structure = Structures(quads)
    return {
        (
            result.severity,
            structure.of(result.focus_node),
            result.path,
            structure.of(result.value) if result.value else None,
            result.constraint,
            structure.of(result.source_shape),
            result.message,
        )
        for result in report.results
    }


class Structures:
    """Name a blank node by what it says (its outgoing statements, nested blank nodes too)."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self.outgoing: dict[str, list[tuple[str, object]]] = defaultdict(list)
        for quad in quads:
            if isinstance(quad.subject, ox.BlankNode):
                self.outgoing[quad.subject.value].append((quad.predicate.value, quad.object))

    def of(self, rendered: str) -> str:
        """A rendered term, a blank node (`_:label`) by its structure."""
        return self._describe(rendered[2:], 0) if rendered.startswith("_:") else rendered

    def _describe(self, label: str, depth: int) -> str:
        if depth > 8:
            return "[...]"
        parts = sorted(
            f"{predicate} "
            + (
                self._describe(value.value, depth + 1)
                if isinstance(value, ox.BlankNode)
                else str(value)
            )
            for predicate, value in self.outgoing.get(label, ())
        )
        return "[" + " ; ".join(parts) + "]"
