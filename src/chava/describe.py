"""Describe one resource from the published store: its statements, incoming links and context.

A handful of pattern lookups per resource (no SPARQL text): the statements about the IRI and
the closure of its blank nodes, one page of incoming links, and the labels and types of every
resource it touches. The route, the pages and the renderers all work from the result.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Final

import pyoxigraph as ox

from chava import labels, namespaces
from chava.errors import GoneError, ResourceNotFoundError
from chava.stores.statement_order import canonical_order
from chava.stores.store import PublishedStore

LABEL_PREDICATES: Final = tuple(ox.NamedNode(iri) for iri in labels.LABEL_PREDICATES)
"""Where a label comes from (chava.labels), preferred first: per language, the first wins."""
RDF_TYPE: Final = ox.NamedNode(namespaces.RDF + "type")
OWL_DEPRECATED: Final = ox.NamedNode(namespaces.OWL + "deprecated")
IS_REPLACED_BY: Final = ox.NamedNode(namespaces.DCTERMS + "isReplacedBy")
DEFAULT_INCOMING_LIMIT: Final = 100
INCOMING_ORDERED: Final = 10_000
"""Incoming statements read and ordered at most to make a page (beyond: the store's order)."""
MAX_BLANK_NODES: Final = 10_000
"""Guard against pathological blank-node closures."""


@dataclass(frozen=True)
class ResourceDescription:
    """What the publication says about one IRI (see DESCRIBE_CONTRACT.md)."""

    iri: str
    statements: tuple[ox.Quad, ...]
    """Quads with the resource as subject, plus the closure of its blank nodes."""
    incoming: tuple[ox.Quad, ...]
    """One page of quads whose object is the resource."""
    incoming_total: int
    incoming_page: int
    incoming_next_page: int | None
    labels: Mapping[str, Mapping[str, str]]
    """IRI -> {language tag ('' if none): label}, for the resource and everything it touches."""
    types: Mapping[str, tuple[str, ...]]
    """IRI -> rdf:type IRIs, for the resource and every linked resource."""
    context: tuple[ox.Quad, ...] = field(default=())
    """Label and type quads of the linked resources: part of the RDF representations."""

    def triples(self) -> list[ox.Triple]:
        """The statements without graphs, each triple once."""
        return list(dict.fromkeys(quad.triple for quad in self.statements))

    def quads(self) -> list[ox.Quad]:
        """Everything an RDF representation shows (statements, incoming page, context), once."""
        return list(dict.fromkeys((*self.statements, *self.incoming, *self.context)))

    def successor(self) -> str | None:
        """The dcterms:isReplacedBy IRI of a withdrawn resource, if any."""
        for quad in self.statements:
            if quad.predicate == IS_REPLACED_BY and isinstance(quad.object, ox.NamedNode):
                return quad.object.value
        return None


def describe_resource(
    store: PublishedStore,
    iri: str,
    *,
    incoming_page: int = 1,
    incoming_limit: int = DEFAULT_INCOMING_LIMIT,
) -> ResourceDescription:
    """Describe *iri*; raise ResourceNotFoundError if nothing mentions it, GoneError if it is
    owl:deprecated without a dcterms:isReplacedBy successor."""
    node = ox.NamedNode(iri)
    # In a canonical order: the same page whatever store (embedded, engine) was read.
    statements = tuple(canonical_order(_closure(store, node)))
    start = (max(incoming_page, 1) - 1) * incoming_limit
    # Pages of incoming statements in a canonical order too (up to INCOMING_ORDERED of them):
    # the same page from any store, whatever order it reads them in.
    incoming_iterator = store.quads(None, None, node, None)
    window = canonical_order(islice(incoming_iterator, INCOMING_ORDERED))
    incoming = tuple(window[start : start + incoming_limit])
    incoming_total = len(window)
    if next(incoming_iterator, None) is not None:  # more than can be ordered: count them
        incoming_total = _count_incoming(store, node)
        if start + incoming_limit > INCOMING_ORDERED:  # pages beyond: the store's own order
            incoming = tuple(
                islice(store.quads(None, None, node, None), start, start + incoming_limit)
            )
    if not statements and incoming_total == 0:
        raise ResourceNotFoundError(f"nothing is published about <{iri}>")
    if _deprecated(statements, node) and not any(q.predicate == IS_REPLACED_BY for q in statements):
        raise GoneError(f"<{iri}> is withdrawn (owl:deprecated) and has no successor")
    linked = _linked_iris(node, statements, incoming)
    labels, types, context = _context(store, linked)
    own = _facts_from(node, statements)  # the resource's own labels and types: no lookup
    labels[iri], types[iri] = own.labels, own.types
    memo = _memo(store)
    terms = {quad.predicate for quad in (*statements, *incoming)} | {
        ox.NamedNode(value) for values in types.values() for value in values
    }
    _prefetch(store, (term for term in terms if term.value not in labels), memo.labels)
    for term in terms:
        labels.setdefault(term.value, memo.term_labels(store, term))
    more = start + len(incoming) < incoming_total
    return ResourceDescription(
        iri=iri,
        statements=statements,
        incoming=incoming,
        incoming_total=incoming_total,
        incoming_page=max(incoming_page, 1),
        incoming_next_page=max(incoming_page, 1) + 1 if more else None,
        labels={key: value for key, value in labels.items() if value},
        types=types,
        context=context,
    )


def _closure(store: PublishedStore, node: ox.NamedNode) -> tuple[ox.Quad, ...]:
    """The quads about *node* and, recursively, about the blank nodes they reach."""
    quads = list(store.quads(node, None, None, None))
    seen: set[ox.BlankNode] = set()
    pending = [quad.object for quad in quads if isinstance(quad.object, ox.BlankNode)]
    while pending and len(seen) < MAX_BLANK_NODES:
        blank = pending.pop()
        if not isinstance(blank, ox.BlankNode) or blank in seen:
            continue
        seen.add(blank)
        for quad in store.quads(blank, None, None, None):
            quads.append(quad)
            if isinstance(quad.object, ox.BlankNode):
                pending.append(quad.object)
    return tuple(quads)


def _deprecated(statements: Iterable[ox.Quad], node: ox.NamedNode) -> bool:
    return any(
        quad.subject == node
        and quad.predicate == OWL_DEPRECATED
        and isinstance(quad.object, ox.Literal)
        and quad.object.value in ("true", "1")
        for quad in statements
    )


def _linked_iris(
    node: ox.NamedNode, statements: Iterable[ox.Quad], incoming: Iterable[ox.Quad]
) -> list[ox.NamedNode]:
    """IRIs the resource links to (objects, not types) and links from (incoming subjects)."""
    linked: dict[ox.NamedNode, None] = {}
    for quad in statements:
        if isinstance(quad.object, ox.NamedNode) and quad.predicate != RDF_TYPE:
            linked[quad.object] = None
    for quad in incoming:
        if isinstance(quad.subject, ox.NamedNode):
            linked[quad.subject] = None
    linked.pop(node, None)
    return list(linked)


def _context(
    store: PublishedStore, linked: list[ox.NamedNode]
) -> tuple[dict[str, dict[str, str]], dict[str, tuple[str, ...]], tuple[ox.Quad, ...]]:
    labels: dict[str, dict[str, str]] = {}
    types: dict[str, tuple[str, ...]] = {}
    context: list[ox.Quad] = []
    memo = _memo(store)
    _prefetch(store, linked, memo.entries)
    for node in linked:
        facts = memo.get(node)
        if facts is None:
            facts = _node_facts(store, node)
            memo.put(node, facts)
        labels[node.value] = dict(facts.labels)
        types[node.value] = facts.types
        context.extend(facts.quads)
    return labels, types, tuple(context)


def _prefetch(
    store: PublishedStore, nodes: Iterable[ox.NamedNode], known: Container[ox.NamedNode]
) -> None:
    """Read the statements of the *nodes* not *known* in one request from an external engine
    (chava.stores.remote_store), instead of one request each when their labels are read."""
    prefetch = getattr(store.oxigraph, "prefetch", None)
    if prefetch is not None:
        unknown = [node for node in nodes if node not in known]
        if len(unknown) > 1:
            prefetch(unknown, linked=False)


def _count_incoming(store: PublishedStore, node: ox.NamedNode) -> int:
    solutions = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p <{node.value}> }}")
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        count = solution["n"]
        return int(count.value) if isinstance(count, ox.Literal) else 0
    return 0


def _facts_from(node: ox.NamedNode, statements: Iterable[ox.Quad]) -> _NodeFacts:
    """Labels and types of *node* read from its own statements (same rules as lookups)."""
    by_predicate: dict[ox.NamedNode, list[ox.Quad]] = {}
    for quad in statements:
        if quad.subject == node:
            by_predicate.setdefault(quad.predicate, []).append(quad)
    labels: dict[str, str] = {}
    for predicate in LABEL_PREDICATES:
        for quad in by_predicate.get(predicate, ()):
            if isinstance(quad.object, ox.Literal):
                labels.setdefault(quad.object.language or "", quad.object.value)
    types = tuple(
        dict.fromkeys(
            quad.object.value
            for quad in by_predicate.get(RDF_TYPE, ())
            if isinstance(quad.object, ox.NamedNode)
        )
    )
    return _NodeFacts(labels, types, ())


@dataclass(frozen=True)
class _NodeFacts:
    """The labels and types of one IRI, as shown next to the resources linking to it."""

    labels: dict[str, str]
    types: tuple[str, ...]
    quads: tuple[ox.Quad, ...]


class _Memo:
    """Facts about linked IRIs and vocabulary terms, reused across requests: a build never
    changes. Bounded: the facts least recently used go first (hubs stay)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.entries: OrderedDict[ox.NamedNode, _NodeFacts] = OrderedDict()
        self.labels: dict[ox.NamedNode, dict[str, str]] = {}

    def get(self, node: ox.NamedNode) -> _NodeFacts | None:
        facts = self.entries.get(node)
        if facts is not None:
            self.entries.move_to_end(node)
        return facts

    def put(self, node: ox.NamedNode, facts: _NodeFacts) -> None:
        while len(self.entries) >= self.limit:
            self.entries.popitem(last=False)
        self.entries[node] = facts

    def term_labels(self, store: PublishedStore, node: ox.NamedNode) -> dict[str, str]:
        labels = self.labels.get(node)
        if labels is None:
            if len(self.labels) >= self.limit:
                self.labels.clear()
            labels = self.labels[node] = _labels_of(store, node)[0]
        return labels


_MEMOS: weakref.WeakKeyDictionary[PublishedStore, _Memo] = weakref.WeakKeyDictionary()
MEMO_LIMIT: Final = 10_000
"""Linked IRIs whose facts a web worker keeps (2 to 3 KB each with their quads). At 1M
statements, after 12,000 varied resources: 50,000 (then cleared when full) held 33,000 facts,
a heap of 233 MB and a hit rate of 0.65; 10,000 least recently used: 164 MB, 0.60
(docs/search.md, "Memory of a running server")."""


def _memo(store: PublishedStore) -> _Memo:
    memo = _MEMOS.get(store)
    if memo is None:
        memo = _MEMOS[store] = _Memo(MEMO_LIMIT)
    return memo


def _node_facts(store: PublishedStore, node: ox.NamedNode) -> _NodeFacts:
    # A lookup per label predicate and one for the types, not one scan of the node's
    # statements: decoding a statement costs more than a lookup (measured at 1M).
    labels, label_quads = _labels_of(store, node)
    type_quads = list(store.quads(node, RDF_TYPE, None, None))
    types = tuple(
        dict.fromkeys(q.object.value for q in type_quads if isinstance(q.object, ox.NamedNode))
    )
    return _NodeFacts(labels, types, (*label_quads, *type_quads))


def _labels_of(store: PublishedStore, node: ox.NamedNode) -> tuple[dict[str, str], list[ox.Quad]]:
    """The preferred label per language of *node*, and every label quad found."""
    labels: dict[str, str] = {}
    found: list[ox.Quad] = []
    for predicate in LABEL_PREDICATES:
        for quad in store.quads(node, predicate, None, None):
            if isinstance(quad.object, ox.Literal):
                found.append(quad)
                labels.setdefault(quad.object.language or "", quad.object.value)
    return labels, found
