"""Render the RDF terms and SHACL property paths of a validation report as short strings."""

from __future__ import annotations

from typing import Final

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from chava import namespaces

SH: Final = namespaces.SH
XSD_STRING: Final = namespaces.XSD + "string"
_ESCAPES: Final = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})

# Unary path operators: predicate -> (prefix, suffix) around the inner path.
_UNARY: Final = {
    URIRef(SH + "inversePath"): ("^", ""),
    URIRef(SH + "zeroOrMorePath"): ("", "*"),
    URIRef(SH + "oneOrMorePath"): ("", "+"),
    URIRef(SH + "zeroOrOnePath"): ("", "?"),
}
ALTERNATIVE_PATH: Final = URIRef(SH + "alternativePath")


def render_term(term: Node | None, bare_iri: bool = False) -> str:
    """Render a term in N-Triples syntax (`<iri>`, `_:id`, `"text"@fr`, `"1"^^<dt>`).

    With *bare_iri*, an IRI is given without angle brackets (focus nodes, shapes).
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return str(term) if bare_iri else f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and str(term.datatype) != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    return str(term)


def render_path(graph: Graph, path: Node) -> str:
    """Render a SHACL property path: an IRI bare, a complex path SPARQL-like with `<iri>`s."""
    if isinstance(path, URIRef):
        return str(path)
    return _render_complex(graph, path, depth=0)


def _render_complex(graph: Graph, path: Node, depth: int) -> str:
    if isinstance(path, URIRef):
        return f"<{path}>"
    if depth > 20:  # a cyclic path structure; SHACL forbids it, do not loop
        return "..."
    if (path, RDF.first, None) in graph:  # a sequence path is an RDF list
        parts = [_render_complex(graph, step, depth + 1) for step in Collection(graph, path)]
        return _group(" / ".join(parts), depth)
    alternatives = graph.value(path, ALTERNATIVE_PATH)
    if alternatives is not None:
        options = [_render_complex(graph, o, depth + 1) for o in Collection(graph, alternatives)]
        return _group(" | ".join(options), depth)
    for predicate, (prefix, suffix) in _UNARY.items():
        inner = graph.value(path, predicate)
        if inner is not None:
            return f"{prefix}{_render_complex(graph, inner, depth + 1)}{suffix}"
    return render_term(path)


def _group(text: str, depth: int) -> str:
    return f"({text})" if depth > 0 else text
