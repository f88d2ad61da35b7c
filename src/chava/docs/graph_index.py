"""A small in-memory index of one or more named graphs, for documentation generators."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pyoxigraph as ox

from chava import namespaces
from chava.stores.store import PublishedStore

Node = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

RDF_TYPE = ox.NamedNode(namespaces.RDF + "type")
RDF_FIRST = ox.NamedNode(namespaces.RDF + "first")
RDF_REST = ox.NamedNode(namespaces.RDF + "rest")
RDF_NIL = ox.NamedNode(namespaces.RDF + "nil")


@dataclass(frozen=True)
class Value:
    """An RDF value as pages show it: an IRI, or a literal with its language or datatype."""

    iri: str | None = None
    text: str | None = None
    language: str | None = None
    datatype: str | None = None
    texts: Mapping[str, str] = field(default_factory=dict, hash=False, compare=False)
    """{language tag: label} of a blank node shown by its labels (e.g. an anonymous creator)."""

    @classmethod
    def of(cls, node: Node) -> Value:
        """Convert a pyoxigraph term (blank nodes and quoted triples become plain text)."""
        if isinstance(node, ox.NamedNode):
            return cls(iri=node.value)
        if isinstance(node, ox.Literal):
            datatype = None if node.language else node.datatype.value
            if datatype in (namespaces.XSD + "string", namespaces.RDF + "langString"):
                datatype = None
            return cls(text=node.value, language=node.language, datatype=datatype)
        return cls(text=str(node))


class GraphIndex:
    """Subject -> predicate -> objects over the quads of some graphs, insertion-ordered."""

    def __init__(self, quads: Iterable[ox.Quad]) -> None:
        self._index: dict[Node, dict[str, list[Node]]] = defaultdict(lambda: defaultdict(list))
        for quad in quads:
            objects = self._index[quad.subject][quad.predicate.value]
            if quad.object not in objects:
                objects.append(quad.object)

    @classmethod
    def of_graphs(cls, store: PublishedStore, graph_iris: Iterable[str]) -> GraphIndex:
        """Index every quad of the named graphs *graph_iris*."""
        quads: list[ox.Quad] = []
        for graph_iri in graph_iris:
            quads.extend(store.quads(graph=ox.NamedNode(graph_iri)))
        return cls(quads)

    def subjects(self) -> list[Node]:
        """Every subject, in first-seen order."""
        return list(self._index)

    def objects(self, subject: Node, predicate: str) -> list[Node]:
        """The objects of (*subject*, *predicate*)."""
        if subject not in self._index:
            return []
        return list(self._index[subject].get(predicate, ()))

    def first(self, subject: Node, predicate: str) -> Node | None:
        """One object of (*subject*, *predicate*), or None."""
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def predicates(self, subject: Node) -> Mapping[str, list[Node]]:
        """Predicate -> objects of *subject*."""
        return self._index.get(subject, {})

    def of_type(self, *type_iris: str) -> list[ox.NamedNode]:
        """Named subjects typed with any of *type_iris*, sorted by IRI."""
        wanted = {ox.NamedNode(iri) for iri in type_iris}
        found = {
            subject
            for subject, predicates in self._index.items()
            if isinstance(subject, ox.NamedNode)
            and wanted.intersection(predicates.get(RDF_TYPE.value, ()))
        }
        return sorted(found, key=lambda node: node.value)

    def texts(self, subject: Node, *predicates: str) -> dict[str, str]:
        """{language tag: text} of the literals of *subject* over *predicates*, first wins."""
        texts: dict[str, str] = {}
        for predicate in predicates:
            for node in self.objects(subject, predicate):
                if isinstance(node, ox.Literal):
                    texts.setdefault(node.language or "", node.value)
        return texts

    def iris(self, subject: Node, predicate: str) -> tuple[str, ...]:
        """The IRIs among the objects of (*subject*, *predicate*)."""
        return tuple(
            node.value
            for node in self.objects(subject, predicate)
            if isinstance(node, ox.NamedNode)
        )

    def list_items(self, head: Node) -> list[Node]:
        """The members of the RDF list starting at *head* (cycles and broken lists stop it)."""
        items: list[Node] = []
        seen: set[Node] = set()
        node: Node | None = head
        while node is not None and node != RDF_NIL and node not in seen:
            seen.add(node)
            first = self.first(node, RDF_FIRST.value)
            if first is None:
                break
            items.append(first)
            node = self.first(node, RDF_REST.value)
        return items
