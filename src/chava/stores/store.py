"""The published store: a built pyoxigraph store opened read-only, for trusted internal reads.

Untrusted (public SPARQL) queries go to killable worker processes (`chava.sparql`); only
lookups, whose work is bounded by their capped answer (`chava.sparql.lookups`), run on this
store, in the web process. Pages, resources and the JSON-LD API read through this class, and
see the published graphs only: the graphs the build withholds (quarantined harvests, their reports;
`chava.stores.published_graphs`) are left out of every read but `query_withheld`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from typing import cast

import pyoxigraph as ox

from chava.building.builds import Build
from chava.errors import StoreError
from chava.stores.published_graphs import GraphView

logger = logging.getLogger(__name__)

Subject = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


class PublishedStore:
    """Read access to one build. The default graph of queries is the union of named graphs."""

    def __init__(self, build: Build, store: ox.Store | None = None) -> None:
        self.build = build
        if store is None:
            try:
                store = ox.Store.read_only(str(build.store_path))
            except OSError as error:
                raise StoreError(f"{build.store_path}: cannot open the store: {error}") from error
        self._everything = store
        withheld = [str(iri) for iri in build.manifest.get("withheld_graphs") or ()]
        # The view offers the part of ox.Store the readers use (see chava.stores.published_graphs).
        self._store = cast(ox.Store, GraphView(store, withheld)) if withheld else store
        logger.info("opened build %s at %s", build.build_id, build.path)

    @property
    def everything(self) -> ox.Store:
        """The store with every graph, withheld ones included: for the endpoint's lookups
        (chava.sparql.lookups), which name their dataset as a query worker does."""
        return self._everything

    @property
    def oxigraph(self) -> ox.Store:
        """The store (read-only), restricted to the published graphs."""
        return self._store

    def query_withheld(self, sparql: str) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        """Run a trusted query over every graph, withheld ones included (`/harvest/` only)."""
        return self._everything.query(sparql, use_default_graph_as_union=True)

    def query(
        self, sparql: str, *, default_graph: Sequence[str] | None = None
    ) -> ox.QuerySolutions | ox.QueryTriples | ox.QueryBoolean:
        """Run a trusted query; default graph: union of all named graphs, or those given."""
        if default_graph is None:
            return self._store.query(sparql, use_default_graph_as_union=True)
        return self._store.query(sparql, default_graph=[ox.NamedNode(iri) for iri in default_graph])

    def quads(
        self,
        subject: Subject | None = None,
        predicate: ox.NamedNode | None = None,
        object: Term | None = None,
        graph: ox.NamedNode | ox.DefaultGraph | None = None,
    ) -> Iterator[ox.Quad]:
        """Iterate the quads matching a pattern (None matches anything)."""
        return iter(self._store.quads_for_pattern(subject, predicate, object, graph))
