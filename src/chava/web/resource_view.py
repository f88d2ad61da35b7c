"""The view model of a resource page: its title, types, property rows, graphs, incoming links."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import pyoxigraph as ox

from chava import namespaces
from chava.describe import ResourceDescription
from chava.labels import DESCRIPTION_PREDICATES, LABEL_PREDICATES, Label, local_name, pick_text
from chava.web.linking import Link, Linker

RDF_TYPE: Final = namespaces.RDF + "type"
SOURCE: Final = namespaces.DCTERMS + "source"
ANY_URI: Final = namespaces.XSD + "anyURI"
PLAIN_DATATYPES: Final = frozenset({namespaces.XSD + "string", namespaces.RDF + "langString"})
MAX_DEPTH: Final = 6
"""Blank nodes nested deeper than this are shown as their identifier (cycles stop earlier)."""


@dataclass(frozen=True)
class GraphMark:
    """The named graph a statement is in; inferred graphs are marked for readers."""

    iri: str
    name: str
    href: str
    inferred: bool


@dataclass(frozen=True)
class ValueView:
    """One value: a link (IRI), a literal with its language or datatype, or a nested node."""

    link: Link | None = None
    text: str | None = None
    language: str | None = None
    datatype: Link | None = None
    nested: tuple[RowView, ...] = ()
    graphs: tuple[GraphMark, ...] = ()

    @property
    def inferred(self) -> bool:
        """Whether some graph stating this value is an inferred graph."""
        return any(graph.inferred for graph in self.graphs)


@dataclass(frozen=True)
class RowView:
    """A property and its values."""

    predicate: Link
    values: tuple[ValueView, ...]


@dataclass(frozen=True)
class ResourceView:
    """Everything the resource template shows."""

    iri: str
    title: Label
    description: ValueView | None
    types: tuple[Link, ...]
    rows: tuple[RowView, ...]
    sources: tuple[ValueView, ...]
    incoming: tuple[RowView, ...]
    incoming_shown: int
    incoming_total: int
    incoming_page: int
    incoming_next_page: int | None
    has_inferred: bool
    primary_graph: GraphMark | None
    """The graph of most statements: values only in it carry no badge (the page says so)."""


def build_view(description: ResourceDescription, linker: Linker) -> ResourceView:
    """Arrange *description* for its page, labels and links made by *linker*."""
    subject = ox.NamedNode(description.iri)
    by_subject: dict[ox.NamedNode | ox.BlankNode | ox.Triple, list[ox.Quad]] = {}
    for quad in description.statements:
        by_subject.setdefault(quad.subject, []).append(quad)
    graph_counts = Counter(
        quad.graph_name.value
        for quad in (*description.statements, *description.incoming)
        if isinstance(quad.graph_name, ox.NamedNode)
    )
    primary = graph_counts.most_common(1)[0][0] if graph_counts else None
    builder = _Builder(linker, by_subject, primary)
    rows = builder.rows(by_subject.get(subject, []), frozenset({subject}), depth=0)
    own = by_subject.get(subject, [])
    incoming = builder.incoming_rows(description.incoming)
    return ResourceView(
        iri=description.iri,
        title=linker.label(description.iri),
        description=builder.description(own),
        types=tuple(
            sorted(
                _distinct([linker.link(iri) for iri in description.types.get(description.iri, ())]),
                key=lambda link: link.text.casefold(),
            )
        ),
        rows=rows,
        sources=next((row.values for row in rows if row.predicate.iri == SOURCE), ()),
        incoming=incoming,
        incoming_shown=sum(len(row.values) for row in incoming),
        incoming_total=description.incoming_total,
        incoming_page=description.incoming_page,
        incoming_next_page=description.incoming_next_page,
        has_inferred=any(builder.is_inferred(quad.graph_name) for quad in description.statements)
        or any(builder.is_inferred(quad.graph_name) for quad in description.incoming),
        primary_graph=builder.mark(primary) if primary is not None else None,
    )


class _Builder:
    def __init__(
        self,
        linker: Linker,
        by_subject: Mapping[ox.NamedNode | ox.BlankNode | ox.Triple, Sequence[ox.Quad]],
        primary: str | None,
    ) -> None:
        self.linker = linker
        self.by_subject = by_subject
        self.primary = primary
        settings = linker.settings
        self.inferred_graphs = {
            namespaces.INFERRED_GRAPH,
            settings.data_base_iri + "graph/inferred",
        }

    def is_inferred(self, graph: object) -> bool:
        return isinstance(graph, ox.NamedNode) and graph.value in self.inferred_graphs

    def rows(
        self, quads: Iterable[ox.Quad], seen: frozenset[object], *, depth: int
    ) -> tuple[RowView, ...]:
        grouped: dict[str, dict[object, list[ox.Quad]]] = {}
        for quad in quads:
            grouped.setdefault(quad.predicate.value, {}).setdefault(quad.object, []).append(quad)
        rows = [
            RowView(
                self.linker.link(predicate),
                self._sorted(
                    self.value(quads_of_value[0].object, quads_of_value, seen, depth=depth)
                    for quads_of_value in by_object.values()
                ),
            )
            for predicate, by_object in grouped.items()
        ]
        return tuple(sorted(rows, key=self._row_key))

    def incoming_rows(self, quads: Iterable[ox.Quad]) -> tuple[RowView, ...]:
        grouped: dict[str, dict[object, list[ox.Quad]]] = {}
        for quad in quads:
            grouped.setdefault(quad.predicate.value, {}).setdefault(quad.subject, []).append(quad)
        rows = [
            RowView(
                self.linker.link(predicate),
                self._sorted(
                    self.value(quads_of_subject[0].subject, quads_of_subject, frozenset(), depth=0)
                    for quads_of_subject in by_subject.values()
                ),
            )
            for predicate, by_subject in grouped.items()
        ]
        return tuple(sorted(rows, key=self._row_key))

    def value(
        self,
        node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple,
        quads: Sequence[ox.Quad],
        seen: frozenset[object],
        *,
        depth: int,
    ) -> ValueView:
        graphs = self._graphs(quads)
        if isinstance(node, ox.NamedNode):
            return ValueView(link=self.linker.link(node.value), graphs=graphs)
        if isinstance(node, ox.Literal):
            return self.literal(node, graphs)
        nested: tuple[RowView, ...] = ()
        if isinstance(node, ox.BlankNode) and node not in seen and depth < MAX_DEPTH:
            nested = self.rows(self.by_subject.get(node, ()), seen | {node}, depth=depth + 1)
        return ValueView(text=str(node) if not nested else None, nested=nested, graphs=graphs)

    def literal(self, node: ox.Literal, graphs: tuple[GraphMark, ...] = ()) -> ValueView:
        datatype = None if node.language else node.datatype.value
        if datatype == ANY_URI:
            link = Link(self.linker.href(node.value), node.value, None, node.value, True, False)
            return ValueView(link=link, graphs=graphs)
        shown = datatype is not None and datatype not in PLAIN_DATATYPES
        return ValueView(
            text=node.value,
            language=node.language,
            datatype=self.linker.link(datatype) if shown and datatype else None,
            graphs=graphs,
        )

    def description(self, quads: Sequence[ox.Quad]) -> ValueView | None:
        for predicate in DESCRIPTION_PREDICATES:
            texts: dict[str, str] = {}
            for quad in quads:
                if quad.predicate.value == predicate and isinstance(quad.object, ox.Literal):
                    texts.setdefault(quad.object.language or "", quad.object.value)
            found = pick_text(texts, self.linker.language, self.linker.settings.languages)
            if found is not None:
                return ValueView(text=found[0], language=found[1])
        return None

    def mark(self, graph_iri: str) -> GraphMark:
        return GraphMark(
            graph_iri,
            local_name(graph_iri),
            self.linker.href(graph_iri),
            graph_iri in self.inferred_graphs,
        )

    def _graphs(self, quads: Sequence[ox.Quad]) -> tuple[GraphMark, ...]:
        """The graphs of a value, none when it is only in the primary graph."""
        names = sorted(
            {quad.graph_name.value for quad in quads if isinstance(quad.graph_name, ox.NamedNode)}
        )
        if names == [self.primary] and self.primary not in self.inferred_graphs:
            return ()
        return tuple(self.mark(name) for name in names)

    def _row_key(self, row: RowView) -> tuple[int, str]:
        iri = row.predicate.iri
        if iri == RDF_TYPE:
            return 0, ""
        if iri in LABEL_PREDICATES:
            return 1, str(LABEL_PREDICATES.index(iri))
        if iri in DESCRIPTION_PREDICATES:
            return 2, str(DESCRIPTION_PREDICATES.index(iri))
        return 3, row.predicate.text.casefold()

    def _sorted(self, values: Iterable[ValueView]) -> tuple[ValueView, ...]:
        languages = [self.linker.language, *self.linker.settings.languages]

        def key(value: ValueView) -> tuple[int, int, str]:
            if value.link is not None:
                return 1, 0, value.link.text.casefold()
            rank = (
                languages.index(value.language) if value.language in languages else len(languages)
            )
            return 0, rank, (value.text or "").casefold()

        ordered = sorted(values, key=key)
        links = _distinct([value.link for value in ordered if value.link is not None])
        renamed = iter(links)
        return tuple(
            dataclasses.replace(value, link=next(renamed)) if value.link is not None else value
            for value in ordered
        )


def _distinct(links: Sequence[Link]) -> tuple[Link, ...]:
    """Links as they are, except that two showing the same text also show their compact IRIs."""
    counts = Counter(link.text for link in links)
    return tuple(
        dataclasses.replace(link, text=f"{link.text} ({namespaces.compact_iri(link.iri)})")
        if counts[link.text] > 1 and not link.is_iri
        else link
        for link in links
    )
