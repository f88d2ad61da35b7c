"""Read a partner's dataset from a SPARQL endpoint (DESCRIBE by class, paged), a dump URL or
a local file.

SPARQLWrapper writes the SPARQL 1.1 Protocol requests; `chava.network.remote.send` sends them within
the limits (timeouts, size cap shared by every page, same-host redirects). Every reply is
parsed by `chava.loading.rdf_input` (no entity, depth and term size within the limits, statements
counted across pages). Blank node labels are scoped to one reply: a page's `_:b0` is never
merged with another page's. The partner's graphs that are not its data (its dataset
description, what it harvested from others: `chava.network.partner_graphs`) are left out.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar, cast
from urllib.parse import urlsplit

import pyoxigraph as ox
from SPARQLWrapper import POST, SPARQLWrapper

from chava.errors import InputRefusedError, LoadError, RemoteSourceError
from chava.loading.rdf_input import RDF_SUFFIXES, InputLimits, parse_rdf, rdf_format_of, read_file
from chava.network.partner_graphs import (
    GRAPHS_QUERY,
    SKIPPED_GRAPHS_QUERY,
    SkippedGraph,
    classify,
    keep_data,
    skipped_in,
)
from chava.network.remote import Limits, Reply, check_url, gunzip, send

logger = logging.getLogger(__name__)

GRAPH_ACCEPT: Final = (
    "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5, application/ld+json;q=0.4"
)
DUMP_ACCEPT: Final = (
    "application/n-quads, application/trig;q=0.95, application/n-triples;q=0.9, "
    "text/turtle;q=0.9, application/ld+json;q=0.5, application/rdf+xml;q=0.5, */*;q=0.1"
)
RESULTS_ACCEPT: Final = "application/sparql-results+json"
MAX_CLASSES: Final = 10_000
GZIP_TYPES: Final = ("application/gzip", "application/x-gzip")

_CLASSES: Final = f"SELECT DISTINCT ?class WHERE {{ ?s a ?class }} LIMIT {MAX_CLASSES}"
_PAGE: Final = """DESCRIBE ?s WHERE {{
  {{ SELECT ?s WHERE {{ ?s a <{cls}> FILTER(isIRI(?s)) }}
    ORDER BY ?s LIMIT {limit} OFFSET {offset} }}
}}"""
"""Resources with an IRI, paged by subject, each with its description: for chava, Oxigraph and
Fuseki its Concise Bounded Description (its statements and, recursively, those of the blank
nodes under it: shapes and RDF lists whole). Statements about other subjects are dropped."""

_Term = TypeVar("_Term")


@dataclass(frozen=True)
class RemoteDataset:
    """What was read from one source: its triples (or quads), requests made, bytes read."""

    source: str
    quads: tuple[ox.Quad, ...]
    requests: int
    bytes_read: int
    classes: int = 0
    """Classes paged through (SPARQL endpoints only)."""
    skipped_graphs: tuple[SkippedGraph, ...] = ()
    """The partner's graphs that are not its data, left out."""


def read_endpoint(
    endpoint: str, limits: Limits, *, page_size: int, input_limits: InputLimits | None = None
) -> RemoteDataset:
    """Read every typed resource of *endpoint*: one paged DESCRIBE per class, subjects ordered.

    Each page holds *page_size* subjects (IRIs) with all their triples and those of the blank
    nodes under them (the engine's description), so a blank node is never split from its
    owner; pages an endpoint says it cut (a chava endpoint's result cap) are asked again, half
    as large.
    Untyped resources and blank nodes no IRI points to are not read. When the endpoint holds
    graphs that are not the partner's data, the others are named as the default graph of each
    request. Raises RemoteSourceError, or LoadError for a reply beyond *input_limits*.
    """
    check_url(endpoint)
    input_limits = input_limits or InputLimits()
    budget = [limits.max_bytes]
    classes = _classes(endpoint, limits, budget)
    graphs, skipped = _data_graphs(endpoint, limits, budget)
    quads: list[ox.Quad] = []
    seen: set[ox.NamedNode] = set()
    requests = 3 if skipped else 2
    size = page_size
    for cls in classes:
        offset = 0
        while True:
            query = _PAGE.format(cls=cls, limit=size, offset=offset)
            reply = _query(endpoint, query, GRAPH_ACCEPT, limits, budget, graphs)
            requests += 1
            if reply.truncated:  # the endpoint's own result cap cut the page: smaller pages
                if size == 1:
                    raise RemoteSourceError(
                        f"{endpoint}: one resource of <{cls}> has more triples than the "
                        "endpoint returns at once; read its dump instead"
                    )
                size = max(1, size // 2)
                continue
            rdf_format = _format_of(reply, default=ox.RdfFormat.N_TRIPLES)
            page = _scoped(_parse(reply, rdf_format, input_limits))
            if not page:
                break
            quads.extend(_new_resources(page, seen))
            _check_count(endpoint, len(quads), input_limits)
            offset += size
    logger.info(
        "read %s: %d triples, %d classes, %d requests", endpoint, len(quads), len(classes), requests
    )
    return RemoteDataset(
        endpoint,
        tuple(quads),
        requests,
        limits.max_bytes - budget[0],
        classes=len(classes),
        skipped_graphs=skipped,
    )


def read_dump(url: str, limits: Limits, input_limits: InputLimits | None = None) -> RemoteDataset:
    """Read an RDF document (a dump, or a Graph Store `GET`): syntax from the Content-Type,
    else from the URL's suffix; gzip is inflated within the size cap."""
    input_limits = input_limits or InputLimits()
    reply = send("GET", url, limits, headers={"Accept": DUMP_ACCEPT})
    body, name = reply.body, urlsplit(reply.url).path.lower()
    if reply.media_type in GZIP_TYPES or (name.endswith(".gz") and body[:2] == b"\x1f\x8b"):
        body, name = gunzip(body, url=url, max_bytes=limits.max_bytes), name.removesuffix(".gz")
        reply = Reply(reply.url, reply.status, "", body)
    suffix = "." + name.rsplit(".", 1)[-1] if "." in name.rsplit("/", 1)[-1] else ""
    rdf_format = _format_of(reply, default=RDF_SUFFIXES.get(suffix))
    quads, skipped = keep_data(*_with_skipped(_scoped(_parse(reply, rdf_format, input_limits))))
    logger.info("read %s: %d quads", url, len(quads))
    return RemoteDataset(url, tuple(quads), 1, len(reply.body), skipped_graphs=skipped)


def read_local(path: Path, input_limits: InputLimits) -> RemoteDataset:
    """Read a partner's dump from a local file (the operator's own disk; `.gz` inflated)."""
    data = read_file(path, input_limits)
    parsed = parse_rdf(data, rdf_format_of(path), source=path, limits=input_limits)
    quads, skipped = keep_data(*_with_skipped(_scoped(parsed)))
    logger.info("read %s: %d quads", path, len(quads))
    return RemoteDataset(
        path.resolve().as_uri(), tuple(quads), 0, len(data), skipped_graphs=skipped
    )


def _with_skipped(quads: list[ox.Quad]) -> tuple[list[ox.Quad], dict[str, str]]:
    return quads, skipped_in(quads)


def _check_count(source: str, count: int, input_limits: InputLimits) -> None:
    most = input_limits.max_statements
    if most is not None and count > most:
        raise InputRefusedError(
            source, f"more than {most} statements (harvest_max_statements): refused"
        )


def _data_graphs(
    endpoint: str, limits: Limits, budget: list[int]
) -> tuple[tuple[str, ...], tuple[SkippedGraph, ...]]:
    """The graphs to read (empty: the endpoint's default graph) and those left out."""
    try:
        kinds = classify(
            (row["g"], row["kind"])
            for row in _select(endpoint, SKIPPED_GRAPHS_QUERY, limits, budget, ("g", "kind"))
        )
        if not kinds:
            return (), ()
        every = [row["g"] for row in _select(endpoint, GRAPHS_QUERY, limits, budget, ("g",))]
    except RemoteSourceError as error:  # an engine without named graphs: read its default graph
        logger.warning(
            "%s: could not list its graphs (%s); reading its default graph", endpoint, error
        )
        return (), ()
    kept = tuple(sorted(iri for iri in every if iri not in kinds))
    skipped = tuple(SkippedGraph(iri, kind) for iri, kind in sorted(kinds.items()) if iri in every)
    logger.info("%s: graphs not read (not the partner's data): %s", endpoint, ", ".join(kinds))
    return kept, skipped


def _select(
    endpoint: str, query: str, limits: Limits, budget: list[int], names: Sequence[str]
) -> list[dict[str, str]]:
    """The IRI bindings of a SELECT's rows (rows missing one of *names* are left out)."""
    reply = _query(endpoint, query, RESULTS_ACCEPT, limits, budget)
    try:
        bindings = json.loads(reply.body)["results"]["bindings"]
        return [
            {name: str(row[name]["value"]) for name in names}
            for row in bindings
            if all(name in row for name in names)
        ]
    except (ValueError, KeyError, TypeError) as error:
        raise RemoteSourceError(f"{endpoint}: unreadable SPARQL JSON results") from error


def _classes(endpoint: str, limits: Limits, budget: list[int]) -> list[str]:
    reply = _query(endpoint, _CLASSES, RESULTS_ACCEPT, limits, budget)
    try:
        bindings = json.loads(reply.body)["results"]["bindings"]
        return sorted(
            row["class"]["value"] for row in bindings if row.get("class", {}).get("type") == "uri"
        )
    except (ValueError, KeyError, TypeError) as error:
        kind = reply.media_type or "no Content-Type"
        raise RemoteSourceError(
            f"{endpoint}: not a SPARQL endpoint (the class list is not SPARQL JSON results: {kind})"
        ) from error


def _query(
    endpoint: str,
    query: str,
    accept: str,
    limits: Limits,
    budget: list[int],
    graphs: Sequence[str] = (),
) -> Reply:
    wrapper = SPARQLWrapper(endpoint)
    wrapper.setMethod(POST)
    wrapper.setQuery(query)
    wrapper.addCustomHttpHeader("Accept", accept)
    for graph in graphs:  # the protocol's dataset: these graphs form the default graph
        wrapper.addDefaultGraph(graph)
    # SPARQLWrapper builds the protocol request; chava.network.remote sends it, within the limits.
    request = wrapper._createRequest()
    headers = {name.title(): value for name, value in request.header_items()}
    data = request.data if isinstance(request.data, bytes) else None
    return send("POST", request.full_url, limits, headers=headers, data=data, budget=budget)


def _format_of(reply: Reply, *, default: ox.RdfFormat | None) -> ox.RdfFormat:
    if reply.media_type == "text/html":
        raise RemoteSourceError(f"{reply.url}: returned an HTML page, not RDF")
    rdf_format = ox.RdfFormat.from_media_type(reply.media_type) if reply.media_type else None
    if rdf_format is None and reply.media_type in ("text/plain", "application/octet-stream", ""):
        rdf_format = default
    if rdf_format is None:
        raise RemoteSourceError(
            f"{reply.url}: returned {reply.media_type or 'no Content-Type'}, not an RDF syntax"
        )
    return rdf_format


def _parse(reply: Reply, rdf_format: ox.RdfFormat, input_limits: InputLimits) -> list[ox.Quad]:
    try:
        return parse_rdf(
            reply.body, rdf_format, source=reply.url, limits=input_limits, base_iri=reply.url
        )
    except InputRefusedError:
        raise
    except LoadError as error:
        where = f" line {error.line}" if error.line else ""
        raise RemoteSourceError(
            f"{reply.url}: not valid {rdf_format.name}:{where}: {error.reason[:200]}"
        ) from error


def _new_resources(page: list[ox.Quad], seen: set[ox.NamedNode]) -> list[ox.Quad]:
    """The triples of the page's IRI subjects not read yet (a resource of two classes comes
    twice), each with the triples of the blank nodes under it."""
    by_subject: dict[object, list[ox.Quad]] = {}
    for quad in page:
        by_subject.setdefault(quad.subject, []).append(quad)
    kept: list[ox.Quad] = []
    for subject, owned in by_subject.items():
        if not isinstance(subject, ox.NamedNode) or subject in seen:
            continue
        seen.add(subject)
        pending, visited = list(owned), set()
        while pending:
            quad = pending.pop()
            kept.append(quad)
            target = quad.object
            if isinstance(target, ox.BlankNode) and target not in visited:
                visited.add(target)
                pending.extend(by_subject.get(target, ()))
    return list(dict.fromkeys(kept))


def _scoped(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
    """Give each blank node of one reply a fresh identity."""
    fresh: dict[str, ox.BlankNode] = {}

    def rename(term: _Term) -> _Term:
        if isinstance(term, ox.BlankNode):
            return cast(_Term, fresh.setdefault(term.value, ox.BlankNode()))
        return term

    scoped: list[ox.Quad] = []
    for quad in quads:
        subject, value, graph = quad.subject, quad.object, quad.graph_name
        if (
            type(subject) is ox.BlankNode
            or type(value) is ox.BlankNode
            or type(graph) is ox.BlankNode
        ):
            quad = ox.Quad(rename(subject), quad.predicate, rename(value), rename(graph))
        scoped.append(quad)  # a quad without a blank node is kept as it is (a harvest: 100k)
    return scoped
