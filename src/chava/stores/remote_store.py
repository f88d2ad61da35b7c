"""Read a build from an external SPARQL 1.1 engine, through the SPARQL 1.1 Protocol only.

`RemoteStore` offers the part of `pyoxigraph.Store` the readers use (`query`,
`quads_for_pattern`, `named_graphs`), so `PublishedStore`, the JSON-LD framer and the query
workers run unchanged over the Oxigraph server or Virtuoso (tested), Fuseki or QLever
(untested). What differs between engines is in `chava.stores.remote_engines`: the engine's profile
(detected at start-up or set by `store_engine`), the connections (bounded, timed, replicas,
circuit breaker), the answers (dialects undone, cut answers paged or refused).

The build's graphs are the dataset of every query, asked for the way the engine reads fastest:
- an engine holding the build's graphs and nothing else is asked for its own union default
  graph (Oxigraph's `union-default-graph` parameter): no graph is listed;
- Virtuoso gets `define input:default-graph-uri` / `input:named-graph-uri` pragmas in the
  query text (no protocol parameters: Virtuoso would echo one response header per graph);
- any other engine gets one `default-graph-uri` and `named-graph-uri` parameter per graph.
Which graphs the engine holds is checked again every GRAPHS_CHECK_SECONDS, so a publication
pushed later into the same engine never shows through another's union.

A query cannot name a blank node, so every statement touching a blank node is read once, into a
small local store, and patterns with a blank node are answered from it (engines keep blank-node
labels stable).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final

import pyoxigraph as ox

from chava.building.builds import Build
from chava.config import Settings
from chava.errors import (
    ConfigError,
    EngineAnswerError,
    EngineBusyError,
    EngineTimeoutError,
    EngineUnreachableError,
    RemoteSourceError,
    StoreError,
)
from chava.network.remote import check_url
from chava.stores.remote_engines.answers import RESULTS_JSON, Answer, RemoteTriples, read_answer
from chava.stores.remote_engines.auth import Credentials
from chava.stores.remote_engines.profiles import EngineProfile, profile_named, profile_of_server
from chava.stores.remote_engines.rewrite import boolean_variables, modifiers, page, query_form
from chava.stores.remote_engines.transport import EngineClient, EngineReply

__all__ = ["RemoteConfig", "RemoteStore", "RemoteTriples", "open_remote", "remote_config"]

logger = logging.getLogger(__name__)

DESCRIBE_BATCH: Final = 200
"""Subjects read in one request by prefetch."""
DESCRIPTION_MAX: Final = 5_000
"""Statements of one subject kept in memory at most (a larger one is read each time)."""
DESCRIPTIONS_KEPT: Final = 200_000
"""Statements of subjects kept per store (least recently used dropped first)."""
_RDF_TYPE: Final = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DESCRIBE: Final = """SELECT ?s ?p ?o ?g WHERE {
  { VALUES ?s { $VALUES } GRAPH ?g { ?s ?p ?o } }
  UNION { VALUES ?r { $VALUES } GRAPH ?h { ?r ?x ?s } FILTER(isBlank(?s)) GRAPH ?g { ?s ?p ?o } }
  UNION { VALUES ?r { $VALUES } GRAPH ?h { ?r ?x ?b } FILTER(isBlank(?b))
          GRAPH ?i { ?b ?y ?s } FILTER(isBlank(?s)) GRAPH ?g { ?s ?p ?o } }
}"""
"""A batch of subjects' statements, with those of the blank nodes within two steps."""
_DESCRIBE_PLAIN: Final = "SELECT ?s ?p ?o ?g WHERE { VALUES ?s { $VALUES } GRAPH ?g { ?s ?p ?o } }"
"""A batch of subjects' statements (their blank nodes: from the store of blank nodes)."""
WARM_TIMEOUT: Final = 2.0
"""Seconds a query worker waits for the engine's first answer before it is ready anyway."""
GRAPHS_CHECK_SECONDS: Final = 60.0
"""How often a store in union mode checks that the engine holds no other graph."""
PROBE_LIMIT: Final = 100_001
"""Rows asked by the start-up probe of an engine's row cap (a cap above is not looked for)."""
TIMEOUT_SLACK: Final = 0.5
"""Seconds the engine's own time limit is set below chava's, so it answers first (Virtuoso)."""
_BLANK_QUERY: Final = (
    "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o FILTER(isBlank(?s) || isBlank(?o)) } }"
)
_COUNTS_QUERY: Final = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_LIST_QUERY: Final = "SELECT ?g WHERE { GRAPH ?g { } }"
"""The graphs an engine holds (Oxigraph lists them from its graph table, without a scan)."""
_GRAPH_ACCEPT: Final = "application/n-triples, text/turtle;q=0.5"

GraphName = ox.NamedNode | ox.BlankNode | ox.DefaultGraph


@dataclass(frozen=True)
class RemoteConfig:
    """Where the engine is and how to talk to it (JSON-able: sent to the query workers)."""

    urls: tuple[str, ...]
    """The engine's query endpoint, then its replicas."""
    graphs: tuple[str, ...]
    """The build's named graphs: the union default graph and the named graphs of queries."""
    connect_timeout: float
    read_timeout: float
    max_bytes: int
    credentials: Credentials = field(default_factory=Credentials)
    engine: str = "generic"
    """The engine's profile (chava.stores.remote_engines.profiles), resolved: never `auto`."""
    max_rows: int = 0
    """The engine's row cap found at start-up (0: none found)."""
    union: bool = False
    """The engine holds the build's graphs and no other: its own union is the build's."""
    others: tuple[str, ...] = ()
    """Graphs the engine holds besides the build's (found at start-up)."""
    concurrency: int = 4
    """Connections to the engine at a time, per process."""

    @property
    def url(self) -> str:
        """The first endpoint."""
        return self.urls[0]

    @property
    def profile(self) -> EngineProfile:
        """The engine's dialect."""
        return profile_named(self.engine)

    @classmethod
    def from_settings(cls, settings: Settings, graphs: Sequence[str]) -> RemoteConfig:
        """The engine(s) of `store_url`, with the store_* limits and read credentials."""
        urls = store_urls(settings.store_url)
        return cls(
            urls,
            tuple(graphs),
            settings.remote_connect_timeout,
            settings.store_timeout,
            settings.remote_max_bytes,
            read_credentials(settings),
            "generic"
            if settings.store_engine == "auto"
            else profile_named(settings.store_engine).name,
            settings.store_max_rows,
            concurrency=max(1, settings.store_concurrency),
        )

    def as_dict(self) -> dict[str, Any]:
        """A JSON-able form (see from_dict)."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["credentials"] = self.credentials.as_dict()
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RemoteConfig:
        """The inverse of as_dict."""
        return cls(
            **{
                **data,
                "urls": tuple(data["urls"]),
                "graphs": tuple(data["graphs"]),
                "others": tuple(data.get("others") or ()),
                "credentials": Credentials(**data["credentials"]),
            }
        )


def store_urls(value: str) -> tuple[str, ...]:
    """The endpoints of a `store_url` setting: one URL, or several (replicas) separated by
    spaces or commas. Credentials inside a URL are refused."""
    urls = tuple(part for part in re.split(r"[\s,]+", value.strip()) if part)
    if not urls:
        raise ConfigError("store_url is empty")
    for url in urls:
        check_url(url)
        if "@" in url.split("//", 1)[-1].split("/", 1)[0]:
            raise ConfigError(
                "credentials in store_url refused: set store_user and store_password instead"
            )
    return urls


def read_credentials(settings: Settings) -> Credentials:
    """The credentials `chava serve --store` reads with (store_*; never the publish ones)."""
    if settings.store_user is not None and settings.store_password is None:
        raise ConfigError("store_user is set but store_password is not")
    return Credentials(
        settings.store_user, settings.store_password, settings.store_token, settings.store_auth
    )


class RemoteStore:
    """A read-only view of the build's graphs held by a SPARQL 1.1 engine."""

    def __init__(self, config: RemoteConfig, client: EngineClient | None = None) -> None:
        self.config = config
        self.profile = config.profile
        self.client = client or EngineClient(
            config.urls,
            config.credentials,
            connect_timeout=config.connect_timeout,
            read_timeout=config.read_timeout,
            max_bytes=config.max_bytes,
            concurrency=config.concurrency,
        )
        self._graph_set = frozenset(config.graphs)
        self._union = config.union
        self._checked = time.monotonic()
        self._check_lock = threading.Lock()
        self._blank: ox.Store | None = None
        self._described: OrderedDict[ox.NamedNode | ox.BlankNode, list[ox.Quad]] = OrderedDict()
        self._described_size = 0
        self._described_lock = threading.Lock()
        self._blank_lock = threading.Lock()

    # --- pyoxigraph's Store interface -----------------------------------------------------

    def query(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | Sequence[GraphName] | None = None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
    ) -> ox.QuerySolutions | ox.QueryBoolean | RemoteTriples:
        """Run a trusted query on the engine, its whole answer (paged under the engine's row
        cap); the dataset options mean what they mean to pyoxigraph."""
        answer = self.answer(
            query,
            base_iri=base_iri,
            use_default_graph_as_union=use_default_graph_as_union,
            default_graph=default_graph,
            named_graphs=named_graphs,
        )
        if answer.cut:
            raise EngineAnswerError(
                f"{self.config.url}: the engine cut the answer at its result cap "
                f"({self.config.max_rows or '?'} rows); an incomplete answer is not used"
            )
        return answer.result

    def quads_for_pattern(
        self,
        subject: ox.NamedNode | ox.BlankNode | ox.Triple | None,
        predicate: ox.NamedNode | None,
        object: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None,
        graph_name: GraphName | None = None,
    ) -> Iterator[ox.Quad]:
        """The quads of the build's graphs matching the pattern (None matches anything)."""
        if isinstance(subject, ox.BlankNode):
            with self._described_lock:
                known = self._described.get(subject)
            if known is not None:  # read with the subject that reaches it
                return _matching(known, predicate, object, graph_name)
        if isinstance(subject, ox.BlankNode) or isinstance(object, ox.BlankNode):
            return self._blank_store().quads_for_pattern(subject, predicate, object, graph_name)
        if isinstance(graph_name, ox.BlankNode):
            return iter(())
        if isinstance(graph_name, ox.NamedNode) and graph_name.value not in self._graph_set:
            return iter(())
        if isinstance(subject, ox.NamedNode):
            described = self._description(subject)
            if described is not None:
                return _matching(described, predicate, object, graph_name)
        terms = {"s": subject, "p": predicate, "o": object}
        pattern = " ".join(
            f"?{name}" if term is None else str(term) for name, term in terms.items()
        )
        if isinstance(graph_name, ox.DefaultGraph):
            # The build's default graph is empty on an engine (open_remote refuses others).
            return iter(())
        target = "?g" if graph_name is None else str(graph_name)
        answer = self.query(
            f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH {target} {{ {pattern} }} }}",
            use_default_graph_as_union=True,
        )
        return _quads(answer, {**terms, "g": graph_name})

    def prefetch(self, subjects: Sequence[ox.NamedNode | str], *, linked: bool = True) -> None:
        """Read the statements of *subjects*, and (*linked*) of the IRIs they point to, in two
        requests (the JSON-LD listings frame a page of items and the nodes they link to; a
        resource description reads the labels and types of the IRIs it links to: one)."""
        wanted = [ox.NamedNode(s) if isinstance(s, str) else s for s in subjects]
        fresh = self._describe_many([node for node in wanted if node not in self._described])
        if not linked:
            return
        pointed = {
            quad.object
            for quads in fresh.values()
            for quad in quads
            if isinstance(quad.object, ox.NamedNode) and quad.predicate != _RDF_TYPE
        }
        self._describe_many([node for node in pointed if node not in self._described])

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        """The build's named graphs (those the engine is asked about)."""
        return iter([ox.NamedNode(graph) for graph in self.config.graphs])

    # --- chava's own reads ------------------------------------------------------------------

    def answer(
        self,
        query: str,
        *,
        base_iri: str | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: GraphName | Sequence[GraphName] | None = None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None = None,
        rows: int | None = None,
        timeout: float | None = None,
    ) -> Answer:
        """The engine's answer to *query* and whether it is cut: a SELECT cut at the engine's
        row cap is asked again page by page until *rows* rows (None: all) are read."""
        dataset = self._dataset(use_default_graph_as_union, default_graph, named_graphs)
        form = query_form(query)
        accept = (
            self._table_accept(form) if form in ("SELECT", "ASK", "") else self.profile.graph_accept
        )
        text = query if base_iri is None else f"BASE <{base_iri}>\n{query}"
        booleans = boolean_variables(text) if self.profile.numeric_booleans else frozenset()
        shrunk = 0
        if rows is not None and form == "SELECT":
            found = modifiers(text)
            if found.limit is None:  # no more rows than chava reads (and OFFSET alone works)
                size = rows
                if found.ordered and self.config.max_rows:
                    size = min(size, self.config.max_rows)  # engines refuse to sort past it
                    shrunk = size if size < rows else 0
                text = page(text, found, start=0, size=size)
        deadline = None if timeout is None else time.monotonic() + timeout
        first = self._ask(text, dataset, accept, deadline, booleans)
        if shrunk and first.rows >= shrunk:
            return replace(first, cut=True)
        if not first.cut or form != "SELECT":
            return first
        if rows is not None and first.rows + 1 >= rows:
            return first  # as many rows as chava gives at most: cut, said so
        return self._pages(text, dataset, first, rows, deadline, booleans)

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph the engine holds (the build's and any other)."""
        answer = self._ask(_COUNTS_QUERY, Dataset(None, None, plain=True), RESULTS_JSON, None)
        if not isinstance(answer.result, ox.QuerySolutions):
            raise EngineAnswerError(f"{self.config.url}: the graph counts are not a table")
        return {
            str(row["g"].value): int(row["n"].value)
            for row in answer.result
            if isinstance(row["g"], ox.NamedNode) and row["n"] is not None
        }

    def warm(self) -> None:
        """Open a connection to the engine now (`ASK {}`); a failure is the first query's."""
        try:
            self.client.post_form([("query", "ASK {}")], accept=RESULTS_JSON, timeout=WARM_TIMEOUT)
        except RemoteSourceError as error:
            logger.info("the engine did not answer yet: %s", error)

    def close(self) -> None:
        """Close the idle connections to the engine."""
        self.client.close()

    # --- internals --------------------------------------------------------------------------

    def _dataset(
        self,
        union: bool,
        default_graph: GraphName | Sequence[GraphName] | None,
        named_graphs: Sequence[ox.NamedNode | ox.BlankNode] | None,
    ) -> Dataset:
        every = self.config.graphs
        if default_graph is not None:
            chosen = default_graph if isinstance(default_graph, Sequence) else [default_graph]
            default = tuple(_iri(graph) for graph in chosen)
            if frozenset(default) == self._graph_set and named_graphs is None:
                return Dataset(every, every, union=True)
            listed = every if named_graphs is None else tuple(_iri(g) for g in named_graphs)
            return Dataset(default, listed)
        named = None if named_graphs is None else tuple(_iri(graph) for graph in named_graphs)
        if union:
            if named is None or frozenset(named) == self._graph_set:
                return Dataset(every, every, union=True)
            return Dataset(every, named)
        if named is not None:
            return Dataset(None, named)
        return Dataset(None, None, plain=True)

    def _table_accept(self, form: str) -> str:
        """ASK in JSON (TSV has no booleans); SELECT as the engine writes it best."""
        return RESULTS_JSON if form == "ASK" else self.profile.table_accept

    def _ask(
        self,
        text: str,
        dataset: Dataset,
        accept: str,
        deadline: float | None,
        booleans: frozenset[str] = frozenset(),
    ) -> Answer:
        parameters: list[tuple[str, str]] = []
        text = self._with_dataset(text, dataset, parameters)
        timeout = None
        if deadline is not None:
            timeout = max(0.1, deadline - time.monotonic())
        if self.profile.timeout_parameter:
            limit = self.config.read_timeout if timeout is None else timeout
            milliseconds = max(100, int((limit - TIMEOUT_SLACK) * 1000))
            parameters.append((self.profile.timeout_parameter, str(milliseconds)))
        try:
            reply = self.client.post_form(
                [("query", text), *parameters], accept=accept, timeout=timeout
            )
        except (EngineUnreachableError, EngineTimeoutError, EngineBusyError):
            raise
        except RemoteSourceError as error:  # an error status: the engine's own time limit?
            marker = self.profile.cancelled_marker.decode()
            if marker and marker in str(error):
                raise EngineTimeoutError(
                    f"{self.config.url}: the engine stopped the query at its own time limit"
                ) from error
            raise
        self._learn_cap(reply)
        return read_answer(reply, self.profile, max_rows=self.config.max_rows, booleans=booleans)

    def _with_dataset(self, text: str, dataset: Dataset, parameters: list[tuple[str, str]]) -> str:
        if dataset.plain:
            return text
        kind = self.profile.dataset
        if kind == "parameter" and dataset.union and self._union_holds():
            parameters.append(("union-default-graph", ""))
            return text
        if kind == "define":
            return _defines(dataset) + text
        if dataset.default is not None:
            parameters.extend(("default-graph-uri", graph) for graph in dataset.default)
            if not dataset.default and dataset.named is not None:
                # An empty default graph cannot be said with parameters: name a graph no
                # engine holds, so `GRAPH ?g` reads only count.
                parameters.append(("default-graph-uri", "urn:chava:no-graph"))
        if dataset.named is not None:
            parameters.extend(("named-graph-uri", graph) for graph in dataset.named)
        return text

    def _union_holds(self) -> bool:
        """The engine still holds the build's graphs only (checked again now and then)."""
        if not self._union:
            return False
        if time.monotonic() - self._checked < GRAPHS_CHECK_SECONDS:
            return True
        if not self._check_lock.acquire(blocking=False):
            return self._union
        try:
            self._checked = time.monotonic()
            held = self._held_graphs()
            others = tuple(sorted(held - self._graph_set))
            if others:
                logger.warning(
                    "%s now holds graphs besides this build's (%s): naming the build's graphs "
                    "in every request from now on",
                    self.config.url,
                    ", ".join(others[:3]),
                )
                self._union = False
        except (RemoteSourceError, StoreError) as error:
            logger.info("could not list the engine's graphs: %s", error)
        finally:
            self._check_lock.release()
        return self._union

    def _held_graphs(self) -> frozenset[str]:
        answer = self._ask(_LIST_QUERY, Dataset(None, None, plain=True), RESULTS_JSON, None)
        if not isinstance(answer.result, ox.QuerySolutions):
            return frozenset()
        return frozenset(
            row["g"].value for row in answer.result if isinstance(row["g"], ox.NamedNode)
        )

    def _learn_cap(self, reply: EngineReply) -> None:
        header = self.profile.cut_header
        value = reply.headers.get(header, "") if header else ""
        if value.strip().isdigit() and int(value) != self.config.max_rows:
            self.config = replace(self.config, max_rows=int(value))

    def _pages(
        self,
        text: str,
        dataset: Dataset,
        first: Answer,
        rows: int | None,
        deadline: float | None,
        booleans: frozenset[str],
    ) -> Answer:
        """Read a cut SELECT page by page (each at most the engine's cap)."""
        size = self.config.max_rows or first.rows
        if size <= 0:
            return first
        found = modifiers(text)
        wanted = found.limit
        if rows is not None:
            wanted = rows if wanted is None else min(wanted, rows)
        variables = list(first.variables)
        order = variables if self.profile.order_pages else []
        bindings: list[dict[str, Any]] = []
        start = 0
        cut = False
        while True:
            asked = size if wanted is None else min(size, wanted - start)
            if asked <= 0:
                cut = rows is not None and (found.limit is None or rows < found.limit)
                break
            query = page(text, found, start=start, size=asked, order=order)
            answer = self._ask(query, dataset, RESULTS_JSON, deadline, booleans)
            part = _bindings(answer)
            bindings.extend(part)
            start += len(part)
            if len(part) < asked and not answer.cut:
                break
        logger.info("read %d rows in pages of %d from %s", len(bindings), size, self.config.url)
        return Answer(_solutions(variables, bindings), cut, len(bindings), tuple(variables))

    def _description(self, subject: ox.NamedNode) -> list[ox.Quad] | None:
        """Every statement of *subject* in the build's graphs (read once, kept while there is
        room: one request answers every pattern on the subject)."""
        with self._described_lock:
            found = self._described.get(subject)
            if found is not None:
                self._described.move_to_end(subject)
                return found
        return self._describe_many([subject]).get(subject)

    def _describe_many(
        self, subjects: Sequence[ox.NamedNode]
    ) -> dict[ox.NamedNode | ox.BlankNode, list[ox.Quad]]:
        """The statements of *subjects*, and (engines that answer it fast) of the blank nodes they
        reach in one or two steps (a contact point, an interval: the framer and the resource
        pages follow them), in one request per DESCRIBE_BATCH subjects; kept while there is
        room."""
        found: dict[ox.NamedNode | ox.BlankNode, list[ox.Quad]] = {}
        for start in range(0, len(subjects), DESCRIBE_BATCH):
            batch = subjects[start : start + DESCRIBE_BATCH]
            if not batch:
                continue
            values = " ".join(str(node) for node in batch)
            answer = self.query(
                (_DESCRIBE if self.profile.describe_blank_nodes else _DESCRIBE_PLAIN).replace(
                    "$VALUES", values
                ),
                use_default_graph_as_union=True,
            )
            part: dict[ox.NamedNode | ox.BlankNode, list[ox.Quad]] = {node: [] for node in batch}
            for quad in _quads(answer, {"s": None, "p": None, "o": None, "g": None}):
                if isinstance(quad.subject, ox.NamedNode | ox.BlankNode):
                    part.setdefault(quad.subject, []).append(quad)
            for node, quads in part.items():  # a blank node reached twice: its statements once
                found[node] = (
                    list(dict.fromkeys(quads)) if isinstance(node, ox.BlankNode) else quads
                )
        with self._described_lock:
            for node, quads in found.items():
                if len(quads) > DESCRIPTION_MAX:
                    continue
                old = self._described.pop(node, None)
                self._described_size -= len(old) if old is not None else 0
                self._described[node] = quads
                self._described_size += len(quads) + 1
            while self._described_size > DESCRIPTIONS_KEPT and self._described:
                _node, dropped = self._described.popitem(last=False)
                self._described_size -= len(dropped) + 1
        return found

    def _blank_store(self) -> ox.Store:
        """Every statement with a blank subject or object, read once into a local store."""
        if self._blank is None:
            with self._blank_lock:
                if self._blank is None:
                    store = ox.Store()
                    answer = self.query(_BLANK_QUERY, use_default_graph_as_union=True)
                    store.extend(_quads(answer, {"s": None, "p": None, "o": None, "g": None}))
                    logger.info(
                        "read %d statements with blank nodes from %s", len(store), self.config.url
                    )
                    self._blank = store
        return self._blank


@dataclass(frozen=True)
class Dataset:
    """The dataset of one request: default graphs and named graphs (None: the engine's own)."""

    default: tuple[str, ...] | None
    named: tuple[str, ...] | None
    union: bool = False
    """The default graph is the union of every build graph, the named graphs are all of them."""
    plain: bool = False
    """Nothing said: the engine's own dataset (its every graph)."""


def _defines(dataset: Dataset) -> str:
    """Virtuoso's pragmas naming the graphs of *dataset*.

    (Its `-exclude` pragmas would be shorter when it holds few other graphs, but with them a
    `GRAPH <iri>` pattern matches nothing: Virtuoso 7.2.5.)
    """
    default = dataset.default or ()
    if dataset.default is not None and not default:
        default = ("urn:chava:no-graph",)
    lines = [f"define input:default-graph-uri <{graph}>" for graph in default]
    lines += [f"define input:named-graph-uri <{graph}>" for graph in dataset.named or ()]
    return "\n".join(lines) + "\n" if lines else ""


def _matching(
    quads: list[ox.Quad],
    predicate: ox.NamedNode | None,
    object: Any,
    graph_name: GraphName | None,
) -> Iterator[ox.Quad]:
    return iter(
        [
            quad
            for quad in quads
            if (predicate is None or quad.predicate == predicate)
            and (object is None or quad.object == object)
            and (graph_name is None or quad.graph_name == graph_name)
        ]
    )


def _bindings(answer: Answer) -> list[dict[str, Any]]:
    """An answer's rows back in SPARQL JSON (to join pages into one QuerySolutions)."""
    result = answer.result
    if not isinstance(result, ox.QuerySolutions):
        raise EngineAnswerError("the engine did not answer a SELECT with solutions")
    body = result.serialize(format=ox.QueryResultsFormat.JSON)
    rows: list[dict[str, Any]] = json.loads(body or b"{}")["results"]["bindings"]
    return rows


def _solutions(variables: Sequence[str], bindings: list[dict[str, Any]]) -> ox.QuerySolutions:
    document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
    parsed = ox.parse_query_results(
        json.dumps(document).encode(), format=ox.QueryResultsFormat.JSON
    )
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed


_QUAD_TERMS: Final = ("s", "p", "o", "g")


def _quads(
    answer: ox.QuerySolutions | ox.QueryBoolean | RemoteTriples,
    bound: dict[str, Any],
) -> Iterator[ox.Quad]:
    if not isinstance(answer, ox.QuerySolutions):
        raise StoreError("the engine did not answer a SELECT with solutions")
    if [variable.value for variable in answer.variables] == list(_QUAD_TERMS) and all(
        bound.get(name) is None for name in _QUAD_TERMS
    ):  # each row is the quad, in order: 40% less Python than picking the terms by name
        return iter([ox.Quad(*row) for row in answer])
    quads = []
    for row in answer:
        found = {name: bound[name] if bound[name] is not None else row[name] for name in bound}
        quads.append(ox.Quad(found["s"], found["p"], found["o"], found["g"]))
    return iter(quads)


def _iri(graph: GraphName | str) -> str:
    if isinstance(graph, str):
        return graph
    if not isinstance(graph, ox.NamedNode):
        raise ValueError("only named graphs (IRIs) can be named in a SPARQL 1.1 Protocol request")
    return graph.value


def detect_profile(settings: Settings, client: EngineClient) -> EngineProfile:
    """The profile `store_engine` names, or (auto) the one the endpoint's Server header names."""
    if settings.store_engine != "auto":
        return profile_named(settings.store_engine)
    server = client.server()  # the service description (or the engine's page) names it
    profile = profile_of_server(server)
    logger.info("engine at %s: %s (Server: %s)", client.urls[0], profile.label, server or "none")
    return profile


def open_remote(settings: Settings, build: Build) -> RemoteStore:
    """The engine of `store_url`, checked to hold the graphs of *build* (its manifest's counts).

    Detects the engine (unless `store_engine` names it), its row cap (unless `store_max_rows`
    sets it), and whether it holds other graphs. Raises StoreError when the engine does not
    answer or holds other triple counts (push the build with `chava publish --to` first).
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
    config = RemoteConfig.from_settings(settings, sorted(named))
    try:
        probe = RemoteStore(config)
        profile = detect_profile(settings, probe.client)
        config = replace(config, engine=profile.name)
        held: dict[str, int] | None = None
        for url in config.urls:
            replica = RemoteStore(replace(config, urls=(url,), engine=profile.name))
            try:
                counts = replica.graph_counts()
            except (EngineUnreachableError, EngineTimeoutError, EngineBusyError) as error:
                if len(config.urls) == 1:
                    raise
                logger.warning("replica %s does not answer (%s): skipped until it does", url, error)
                continue
            finally:
                replica.close()
            _check_counts(settings, url, named, counts)
            held = held or counts
        if held is None:
            raise StoreError(f"store_url: no replica of {settings.store_url} answers")
        others = tuple(
            sorted(graph for graph, count in held.items() if count and graph not in named)
        )
        max_rows = settings.store_max_rows or _probe_cap(probe, profile)
        config = replace(
            config,
            union=not others,
            others=others,
            max_rows=max_rows,
        )
        probe.close()
    except RemoteSourceError as error:
        raise StoreError(f"store_url: {error}") from error
    if not profile.tested:
        logger.warning(
            "%s is %s: chava is not tested on it; see docs/engines.md", config.url, profile.label
        )
    logger.info(
        "reading build graphs from %s (%s; %s; row cap %s)",
        ", ".join(config.urls),
        profile.label,
        "its own union" if config.union else f"{len(others)} other graphs held",
        config.max_rows or "none found",
    )
    return RemoteStore(config)


def _check_counts(
    settings: Settings, url: str, named: Mapping[str, int], counted: Mapping[str, int]
) -> None:
    wrong = [
        f"<{iri}> {counted.get(iri, 0)} triples, not {count}"
        for iri, count in sorted(named.items())
        if counted.get(iri, 0) != count
    ]
    if wrong:
        raise StoreError(
            f"store_url {url} does not hold this build (push it with "
            f"`chava publish --to`): {'; '.join(wrong[:3])}" + (" ..." if len(wrong) > 3 else "")
        )


def _probe_cap(store: RemoteStore, profile: EngineProfile) -> int:
    """The engine's row cap, from the header of a cross join asked beyond any usual cap."""
    if not profile.cut_header:
        return 0
    query = f"SELECT ?x WHERE {{ ?a ?b ?c . ?d ?e ?f }} LIMIT {PROBE_LIMIT}"
    try:
        reply = store.client.post_form([("query", query)], accept=RESULTS_JSON)
    except RemoteSourceError as error:
        logger.warning(
            "could not probe the engine's row cap (%s): assuming %d",
            error,
            profile.default_max_rows,
        )
        return profile.default_max_rows
    value = reply.headers.get(profile.cut_header, "").strip()
    return int(value) if value.isdigit() else 0


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
    config = getattr(store, "config", None)
    return config if isinstance(config, RemoteConfig) else None
