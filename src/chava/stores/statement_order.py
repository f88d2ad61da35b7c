"""A canonical order of statements, the same whatever store they were read from.

The embedded store yields a pattern's statements in the order of its indexes (hashes of the
terms), an external engine in its own: written in that order, the same description would read
differently from each. Documents are written in this order instead: named subjects by IRI, then
blank nodes by what they say (their statements, the blank nodes under them by what *they* say,
never by their labels, which every store chooses for itself), each subject's statements by
predicate and object, each statement's graphs by name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

import pyoxigraph as ox

_DEPTH: Final = 8
"""How deep a blank node's signature looks into the blank nodes under it."""


def canonical_order(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """*quads* sorted canonically (see the module's docstring)."""
    listed = list(quads)
    if len(listed) < 2:
        return listed
    by_subject: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in listed:
        if isinstance(quad.subject, ox.BlankNode):
            by_subject.setdefault(quad.subject, []).append(quad)
    signatures: dict[ox.BlankNode, str] = {}

    def signature(node: ox.BlankNode, depth: int, path: frozenset[ox.BlankNode]) -> str:
        known = signatures.get(node)
        if known is not None:
            return known
        if depth > _DEPTH or node in path:
            return "_:"
        inner = path | {node}
        parts = sorted(
            f"{quad.predicate}\t{term_key(quad.object, depth + 1, inner)}"
            for quad in by_subject.get(node, ())
        )
        text = "[" + "\n".join(parts) + "]"
        if not path:
            signatures[node] = text
        return text

    def term_key(term: object, depth: int, path: frozenset[ox.BlankNode]) -> str:
        if isinstance(term, ox.BlankNode):
            return signature(term, depth, path)
        return str(term)

    def key(quad: ox.Quad) -> tuple[int, str, str, str, str]:
        subject = quad.subject
        blank = isinstance(subject, ox.BlankNode)
        subject_key = term_key(subject, 0, frozenset())
        graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
        return (
            1 if blank else 0,
            subject_key,
            str(quad.predicate),
            term_key(quad.object, 0, frozenset()),
            graph,
        )

    return sorted(listed, key=key)
