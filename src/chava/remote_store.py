"""Read a build from an external SPARQL 1.1 engine, through the SPARQL 1.1 Protocol only.

`RemoteStore` offers the part of `pyoxigraph.Store` the readers use (`query`,
`quads_for_pattern`, `named_graphs`), so `PublishedStore`, the JSON-LD framer and the query
workers run unchanged over Oxigraph server, Fuseki, Virtuoso or QLever. The dataset is always
named in the request (`default-graph-uri` / `named-graph-uri`, one per graph of the build), so
the engine needs no union-default-graph option and may hold other graphs. A query cannot name a
blank node, so every statement touching a blank node is read once, into a small local store,
and patterns with a blank node are answered from it (engines keep blank-node labels stable).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any, Final
from urllib.parse import urlencode, urlsplit

import pyoxigraph as ox

from chava.builds import Build
from chava.config import Settings
from chava.errors import ConfigError, RemoteSourceError, StoreError
from chava.remote import Limits, check_url, send

logger = logging.getLogger(__name__)

RESULTS_JSON: Final = "application/sparql-results+json"
NTRIPLES: Final = "application/n-triples"
_BLANK_QUERY: Final = (
    "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
)

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class RemoteConfig:
    """Where the engine is and how to talk to it (picklable: sent to the query workers)."""

    url: str
    graphs: tuple[str, ...]
    """The build's named graphs: the union default graph and the named graphs of queries."""
    connect_timeout: float
    read_timeout: float
    max_bytes: int
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_settings(cls, settings: Settings, graphs: Sequence[str]) -> RemoteConfig:
        """The engine of `store_url`, with the remote_* limits and the publish credentials."""
        url = check_url(settings.store_url)
        if urlsplit(url).username or urlsplit(url).password:
            raise ConfigError(
                "credentials in store_url refused: set publish_user and publish_password instead"
            )
        if settings.publish_user is not None and settings.publish_password is None:
            raise ConfigError("publish_user is set but publish_password is not")
        return cls(
            url,
            tuple(graphs),
            settings.remote_connect_timeout,
            settings.remote_read_timeout,
            settings.remote_max_bytes,
            settings.publish_user,
            settings.publish_password,
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form (see from_dict)."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RemoteConfig:
        """The inverse of as_dict."""
        return cls(**{**data, "graphs": tuple(data["graphs"])})


class RemoteTriples:
    """The triples of a remote CONSTRUCT / DESCRIBE, with QueryTriples' iterate and serialize."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self._triples = triples

    def __iter__(self) -> Iterator[ox.Triple]:
        return iter(self._triples)

    def serialize(
        self, output: IO[bytes] | None = None, format: ox.RdfFormat = ox.RdfFormat.N_TRIPLES
    ) -> bytes | None:
        """Write the triples like QueryTriples.serialize (to *output*, else returned)."""
        if output is None:
            return ox.serialize(self._triples, format=format)
        ox.serialize(self._triples, output, format=format)
        return None


class RemoteStore:
    """A read-only view of the build's graphs held by a SPARQL 1.1 engine."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self._limits = Limits(config.connect_timeout, config.read_timeout, config.max_bytes)
        self._auth = None if config.user is None else (config.user, config.password or "")
        self._blank: ox.Store | None = None

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | list[GraphName] | None = None,
        named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        """Run *query* on the engine; the dataset options mean what they mean to pyoxigraph."""
        parameters: list[tuple[str, str]] = [("query", _with_base(query, base_iri))]
        if use_default_graph_as_union:
            parameters += [("default-graph-uri", graph) for graph in self.config.graphs]
        elif default_graph is not None:
            chosen = default_graph if isinstance(default_graph, list) else [default_graph]
            parameters += [("default-graph-uri", _iri(graph)) for graph in chosen]
        if named_graphs is not None:
            parameters += [("named-graph-uri", _iri(graph)) for graph in named_graphs]
        elif use_default_graph_as_union or default_graph is not None:
            parameters += [("named-graph-uri", graph) for graph in self.config.graphs]
        reply = send(
            "POST",
            self.config.url,
            self._limits,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": f"{RESULTS_JSON}, {NTRIPLES};q=0.9, text/turtle;q=0.5",
            },
            data=urlencode(parameters).encode(),
            auth=self._auth,
        )
        table = ox.QueryResultsFormat.from_media_type(reply.media_type)
        if table is not None:
            try:
                return ox.parse_query_results(reply.body, format=table)
            except SyntaxError as error:
                raise StoreError(f"{self.config.url}: unreadable results: {error}") from error
        graph = ox.RdfFormat.from_media_type(reply.media_type)
        if graph is None:
            raise StoreError(f"{self.config.url}: unexpected reply type {reply.media_type!r}")
        try:
            return RemoteTriples([quad.triple for quad in ox.parse(reply.body, format=graph)])
        except SyntaxError as error:
            raise StoreError(f"{self.config.url}: unreadable graph: {error}") from error

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | ox.Triple | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads of the build's graphs matching the pattern (None matches anything)."""
        if isinstance(subject, ox.BlankNode) or isinstance(object, ox.BlankNode):
            return self._blank_store().quads_for_pattern(subject, predicate, object, graph_name)
        if isinstance(graph_name, ox.BlankNode):
            return iter(())
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join(
            f"?{name}" if term is None else str(term) for name, term in terms.items()
        )
        if isinstance(graph_name, ox.DefaultGraph):
            answer = self.query(f"SELECT ?s ?p ?o WHERE {{ {pattern} }}")
            return _quads(answer, terms, ox.DefaultGraph())
        target = "?g" if graph_name is None else str(graph_name)
        answer = self.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH {target} {{ {pattern} }} }}",
            named_graphs=[ox.NamedNode(graph) for graph in self.config.graphs],
        )
        return _quads(answer, {**terms, "g": graph_name})

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The build's named graphs (those the engine is asked about)."""
        return iter([ox.NamedNode(graph) for graph in self.config.graphs])

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph of the build, as the engine counts them."""
        answer = self.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
            named_graphs=[ox.NamedNode(graph) for graph in self.config.graphs],
        )
        assert isinstance(answer, ox.QuerySolutions)
        return {
            str(row["g"].value): int(row["n"].value)
            for row in answer
            if row["g"] is not None and row["n"] is not None
        }

    def _blank_store(self) -> ox.Store:
        """Every statement with a blank subject or object, read once into a local store."""
        if self._blank is None:
            store = ox.Store()
            answer = self.query(
                _BLANK_QUERY, named_graphs=[ox.NamedNode(graph) for graph in self.config.graphs]
            )
            store.extend(_quads(answer, {"s": None, "p": None, "o": None, "g": None}))
            logger.info("read %d statements with blank nodes from %s", len(store), self.config.url)
            self._blank = store
        return self._blank


def _quads(
    answer: ox.QuerySolutions | ox.QueryBoolean | RemoteTriples,
    bound: dict[str, Any],
    graph: ox.DefaultGraph | None = None,
) -> Iterator[ox.Quad]:
    if not isinstance(answer, ox.QuerySolutions):
        raise StoreError("the engine did not answer a SELECT with solutions")
    quads = []
    for row in answer:
        found = {name: bound[name] if bound[name] is not None else row[name] for name in bound}
        quads.append(ox.Quad(found["s"], found["p"], found["o"], graph or found["g"]))
    return iter(quads)


def _iri(graph: GraphName) -> str:
    if not isinstance(graph, ox.NamedNode):
        raise ValueError("only named graphs (IRIs) can be named in a SPARQL 1.1 Protocol request")
    return graph.value


def _with_base(query: str, base_iri: str | None) -> str:
    """The protocol has no base parameter: a BASE declaration first (same line) does that."""
    return query if base_iri is None else f"BASE <{base_iri}> {query}"


def open_remote(settings: Settings, build: Build) -> RemoteStore:
    """The engine of `store_url`, checked to hold the graphs of *build* (its manifest's counts).

    Raises StoreError when the engine does not answer or holds other triple counts (the build
    must have been pushed with `chava publish --to` first).
    """
    graphs = build.manifest.get("graphs")
    if not isinstance(graphs, Mapping) or not graphs:
        graphs = _local_counts(build)
    if int(graphs.get("", 0)):
        raise StoreError(
            f"build {build.build_id} has triples in the default graph, which a SPARQL 1.1 "
            "Protocol request cannot name: serve it from the local store, or build it with "
            "data_default_graph set"
        )
    named = {str(iri): int(count) for iri, count in graphs.items() if iri}
    store = RemoteStore(RemoteConfig.from_settings(settings, sorted(named)))
    try:
        counted = store.graph_counts()
    except RemoteSourceError as error:
        raise StoreError(f"store_url: {error}") from error
    wrong = [
        f"<{iri}> {counted.get(iri, 0)} triples, not {count}"
        for iri, count in sorted(named.items())
        if counted.get(iri, 0) != count
    ]
    if wrong:
        raise StoreError(
            f"store_url {settings.store_url} does not hold this build (push it with "
            f"`chava publish --to`): {'; '.join(wrong[:3])}" + (" ..." if len(wrong) > 3 else "")
        )
    logger.info("reading build graphs from %s", settings.store_url)
    return store


def _local_counts(build: Build) -> dict[str, int]:
    """Triples per graph ('' the default) of the local copy (a manifest without counts)."""
    try:
        local = ox.Store.read_only(str(build.store_path))
    except OSError as error:
        raise StoreError(f"{build.store_path}: cannot open the store: {error}") from error
    counts: dict[str, int] = {}
    for quad in local.quads_for_pattern(None, None, None, None):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[name] = counts.get(name, 0) + 1
    return counts


def remote_config(store: object) -> RemoteConfig | None:
    """The engine a store reads from, or None for a local pyoxigraph store."""
    return store.config if isinstance(store, RemoteStore) else None
