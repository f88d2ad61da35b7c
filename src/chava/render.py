"""Write quads in a machine format: RDF syntaxes with pyoxigraph, JSON-LD with our context.

The writers are carried by the formats (chava.formats: each Format's `writer`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Final

import pyoxigraph as ox

from chava import namespaces
from chava.jsonld.compact import compact_jsonld
from chava.jsonld.context import CURRENT_PATH
from chava.stores.statement_order import canonical_order

if TYPE_CHECKING:
    from chava.formats import Format

_NICE_LOCAL: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
"""Local names written as `prefix:local` without escapes (pyoxigraph escapes `/`, `.`)."""
_IMPLICIT_TYPES: Final = (namespaces.XSD + "string", namespaces.RDF + "langString")
"""Datatypes no syntax writes out."""


def context_url(base_url: str) -> str:
    """The URL of the published JSON-LD context on the server at *base_url*."""
    return base_url.rstrip("/") + CURRENT_PATH


def serialize_quads(
    quads: Sequence[ox.Quad],
    fmt: Format,
    *,
    root: str | None = None,
    base_url: str = namespaces.DATA_BASE,
) -> bytes:
    """Serialize *quads* in *fmt* with its writer; graph names are kept only by dataset formats
    (TriG, N-Quads). Raises ValueError for a format that is not an RDF syntax (a page)."""
    if fmt.writer is None:
        raise ValueError(f"{fmt} is not an RDF syntax")
    quads = canonical_order(quads)  # the same document from any store (an engine included)
    return fmt.writer(quads, fmt, root=root, base_url=base_url)


def write_rdf_syntax(
    quads: Sequence[ox.Quad], fmt: Format, *, root: str | None, base_url: str
) -> bytes:
    """An RDF syntax written by pyoxigraph, with the prefixes its IRIs use without escapes."""
    assert fmt.rdf_format is not None
    prefixes = used_prefixes(quads, with_graphs=fmt.supports_datasets)
    if fmt.supports_datasets:
        output = ox.serialize(quads, format=fmt.rdf_format, prefixes=prefixes)
    else:
        output = ox.serialize(unique_triples(quads), format=fmt.rdf_format, prefixes=prefixes)
    return output or b""


def write_json_ld(
    quads: Sequence[ox.Quad], fmt: Format, *, root: str | None, base_url: str
) -> bytes:
    """Compact JSON-LD with the published `@context` (at *base_url*), *root* first; its
    expansion gives exactly the triples the Turtle of the same quads gives."""
    document = compact_jsonld(unique_triples(quads), context_url=context_url(base_url), root=root)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8") + b"\n"


def unique_triples(quads: Iterable[ox.Quad]) -> list[ox.Triple]:
    """The triples of *quads* without graph names, each once, in order."""
    return list(dict.fromkeys(quad.triple for quad in quads))


def used_prefixes(quads: Iterable[ox.Quad], *, with_graphs: bool = True) -> dict[str, str]:
    """The prefixes of chava.namespaces that shorten IRIs of *quads* without escapes.

    A namespace is declared only when every IRI of the quads under it has a plain local name,
    so the output never mixes `prefix:a\\/b` escapes with full IRIs.
    """
    seen: set[str] = set()
    for quad in quads:
        terms = (quad.subject, quad.predicate, quad.object)
        for term in (*terms, quad.graph_name) if with_graphs else terms:
            if isinstance(term, ox.NamedNode):
                seen.add(term.value)
            elif isinstance(term, ox.Literal) and term.datatype.value not in _IMPLICIT_TYPES:
                seen.add(term.datatype.value)
    used: dict[str, str] = {}
    spoiled: set[str] = set()
    for iri in seen:
        prefix, namespace, nice = _prefix_of(iri)
        if prefix is None:
            continue
        if nice:
            used[prefix] = namespace
        else:
            spoiled.add(prefix)
    return {prefix: ns for prefix, ns in sorted(used.items()) if prefix not in spoiled}


@functools.lru_cache(maxsize=16_384)
def _prefix_of(iri: str) -> tuple[str | None, str, bool]:
    """The prefix and namespace of *iri*, and whether its local name needs no escape
    (remembered: the same predicates, classes and hubs come back in every document)."""
    prefix, namespace = _longest_namespace(iri)
    return (
        prefix,
        namespace,
        prefix is not None and bool(_NICE_LOCAL.fullmatch(iri[len(namespace) :])),
    )


def _longest_namespace(iri: str) -> tuple[str | None, str]:
    """The prefix whose namespace is the longest start of *iri* (namespaces end in / or #)."""
    end = len(iri)
    while end > 0:
        end = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
        if end < 0:
            break
        prefix = _PREFIX_OF.get(iri[: end + 1])
        if prefix is not None:
            return prefix, iri[: end + 1]
    return None, ""


_PREFIX_OF: Final = {namespace: prefix for prefix, namespace in namespaces.PREFIXES.items()}
