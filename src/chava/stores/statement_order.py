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
_NO_PATH: Final[frozenset[ox.BlankNode]] = frozenset()


def canonical_order(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """*quads* sorted canonically (see the module's docstring)."""
    listed = list(quads)
    if len(listed) < 2:
        return listed
    if not any(_has_blank_node(quad) for quad in listed):
        # Without blank nodes the key below is (0, str(s), str(p), str(o), str(g)): the quad's
        # N-Quads text orders the same way (terms are separated by a space, which sorts before
        # any character a term's text can hold), at a fraction of the cost.
        return sorted(listed, key=str)
    return order_with_blank_nodes(listed)


def order_with_blank_nodes(listed: list[ox.Quad]) -> list[ox.Quad]:
    """The canonical order of *listed*, blank nodes ordered by what they say."""
    by_subject: dict[ox.BlankNode, list[ox.Quad]] = {}
    for quad in listed:
        if isinstance(quad.subject, ox.BlankNode):
            by_subject.setdefault(quad.subject, []).append(quad)
    signatures: dict[ox.BlankNode, str] = {}

    def object_key(term: object, depth: int, path: frozenset[ox.BlankNode]) -> str:
        if isinstance(term, ox.BlankNode):
            return signature(term, depth, path)
        return str(term)

    def signature(node: ox.BlankNode, depth: int, path: frozenset[ox.BlankNode]) -> str:
        known = signatures.get(node)
        if known is not None:
            return known
        if depth > _DEPTH or node in path:
            return "_:"
        inner = path | {node}
        parts = sorted(
            f"{quad.predicate}\t{object_key(quad.object, depth + 1, inner)}"
            for quad in by_subject.get(node, ())
        )
        text = "[" + "\n".join(parts) + "]"
        if not path:
            signatures[node] = text
        return text

    def key(quad: ox.Quad) -> tuple[int, str, str, str, str]:
        subject, object_, graph = quad.subject, quad.object, quad.graph_name
        blank = isinstance(subject, ox.BlankNode)
        return (
            1 if blank else 0,
            signature(subject, 0, _NO_PATH) if isinstance(subject, ox.BlankNode) else str(subject),
            str(quad.predicate),
            signature(object_, 0, _NO_PATH) if isinstance(object_, ox.BlankNode) else str(object_),
            "" if isinstance(graph, ox.DefaultGraph) else str(graph),
        )

    return sorted(listed, key=key)


def _has_blank_node(quad: ox.Quad) -> bool:
    return isinstance(quad.subject, ox.BlankNode) or isinstance(quad.object, ox.BlankNode)
