"""Which graphs of a build are published, and a view of a store restricted to them.

A build holds graphs that are kept but not published: a partner's quarantined resources and
their validation report (`{data}graph/quarantine/...`, written by `chava harvest`), and
proposals under review (`{data}graph/review/...`: chava.contributions keeps them in their own
folder, never read by a build; should one ever be loaded, it is withheld all the same). The build
lists them in its manifest (`withheld_graphs`, computed here); every reader of the served data
(pages, resources, class counts, the JSON-LD API, search, the portal, dumps, the dataset
description, the default graph of public SPARQL queries) goes through `GraphView`, which
leaves them out. They stay in the store, reachable by name: `/harvest/` reads them, and a
SPARQL query may ask for them with `GRAPH <...>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final

import pyoxigraph as ox

QUARANTINE_PATH: Final = "graph/quarantine/"
"""Under the data base IRI: quarantined harvests and their reports."""
REVIEW_PATH: Final = "graph/review/"
"""Under the data base IRI: proposals waiting for a steward (chava.contributions.queue)."""

Subject = ox.NamedNode | ox.BlankNode | ox.Triple
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


def withheld_graphs(graph_iris: Iterable[str], data_base_iri: str) -> list[str]:
    """The graphs of *graph_iris* kept out of what is published, sorted."""
    prefixes = (data_base_iri + QUARANTINE_PATH, data_base_iri + REVIEW_PATH)
    return sorted(iri for iri in graph_iris if iri.startswith(prefixes))


class GraphView:
    """The part of `pyoxigraph.Store` the readers use, over every graph but the withheld ones.

    Wraps a local store or a `RemoteStore`. The union default graph becomes the default graph
    plus the published named graphs; `GRAPH ?g` ranges over the published named graphs; a
    pattern naming a withheld graph matches nothing.
    """

    def __init__(self, store: Any, withheld: Iterable[str]) -> None:
        self.store = store
        self.withheld = frozenset(ox.NamedNode(iri) for iri in withheld)
        self.published = tuple(
            name
            for name in sorted(store.named_graphs(), key=lambda node: node.value)
            if name not in self.withheld
        )

    @property
    def config(self) -> Any:
        """The engine of a remote store (`chava.stores.remote_store.remote_config` reads it)."""
        return getattr(self.store, "config", None)

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | Sequence[GraphName] | None = None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
    ) -> Any:
        """Run *query* over the published graphs (the options mean what they mean to pyoxigraph)."""
        options: dict[str, Any] = {}
        if base_iri is not None:
            options["base_iri"] = base_iri
        if use_default_graph_as_union:
            options["default_graph"] = self._default_graphs()
        elif default_graph is not None:
            chosen = [default_graph] if not isinstance(default_graph, Sequence) else default_graph
            options["default_graph"] = [name for name in chosen if name not in self.withheld]
        chosen_named = self.published if named_graphs is None else named_graphs
        options["named_graphs"] = [name for name in chosen_named if name not in self.withheld]
        return self.store.query(query, **options)

    def quads_for_pattern(
        self,
        subject: Subject | None,
        predicate: ox.NamedNode | None,
        object: Term | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads matching the pattern in the published graphs (None matches anything)."""
        if graph_name is not None:
            if graph_name in self.withheld:
                return iter(())
            return iter(self.store.quads_for_pattern(subject, predicate, object, graph_name))
        withheld = self.withheld
        return (
            quad
            for quad in self.store.quads_for_pattern(subject, predicate, object, None)
            if quad.graph_name not in withheld
        )

    def named_graphs(self) -> Iterator[ox.NamedNode | ox.BlankNode]:
        """The published named graphs."""
        return iter(self.published)

    def _default_graphs(self) -> list[GraphName]:
        if getattr(self.store, "config", None) is not None:
            return list(self.published)  # a remote engine: the protocol names graphs only
        return [ox.DefaultGraph(), *self.published]
