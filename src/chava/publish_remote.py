"""`chava publish --to URL`: push a build to any SPARQL 1.1 engine, graph by graph, atomically.

Two ways, one request per graph, each replacing that graph in one transaction on engines that
run a request as one (Oxigraph, Fuseki, Virtuoso, GraphDB):
- Graph Store Protocol: `PUT {store}?graph={iri}` (or `?default`) with the graph as N-Triples;
- SPARQL Update, for engines without a graph store: `DROP SILENT GRAPH <iri> ; INSERT DATA
  { GRAPH <iri> { ... } }` in one `application/sparql-update` request.
Credentials come from the `publish_user` / `publish_password` settings (HTTP basic auth);
they are never logged nor accepted inside the URL.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from chava.builds import Build
from chava.config import Settings
from chava.errors import ConfigError, StoreError
from chava.remote import Limits, check_url, send

logger = logging.getLogger(__name__)

PROTOCOLS: Final = ("auto", "gsp", "update")
NTRIPLES: Final = "application/n-triples"


@dataclass(frozen=True)
class PushResult:
    """What was pushed where, and how."""

    target: str
    protocol: str
    graphs: tuple[tuple[str, int], ...]
    """(graph IRI, or '' for the default graph; triples), in the order pushed."""
    seconds: float


def protocol_for(target: str, requested: str = "auto") -> str:
    """`update` for a URL whose path ends in /update (or when asked), else `gsp`."""
    if requested not in PROTOCOLS:
        raise ConfigError(f"protocol {requested!r}: expected one of {', '.join(PROTOCOLS)}")
    if requested != "auto":
        return requested
    return "update" if urlsplit(target).path.rstrip("/").endswith("update") else "gsp"


def push_build(
    build: Build, target: str, settings: Settings, *, protocol: str = "auto"
) -> PushResult:
    """Push every graph of *build* to *target*; raise RemoteSourceError on the first failure.

    Graphs pushed before a failure stay replaced (each push is atomic, the whole is not).
    """
    check_url(target)
    if urlsplit(target).username or urlsplit(target).password:
        raise ConfigError(
            "credentials in the URL refused: set publish_user and publish_password instead"
        )
    chosen = protocol_for(target, protocol)
    auth = _auth(settings)
    limits = Limits.from_settings(settings)
    try:
        store = ox.Store.read_only(str(build.store_path))
    except OSError as error:
        raise StoreError(f"{build.store_path}: cannot open the store: {error}") from error
    started = time.monotonic()
    pushed: list[tuple[str, int]] = []
    for graph, triples in _graphs(store):
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        if chosen == "gsp":
            parameter = "default" if not graph else "graph=" + quote(graph, safe="")
            separator = "&" if "?" in target else "?"
            send(
                "PUT",
                f"{target}{separator}{parameter}",
                limits,
                headers={"Content-Type": NTRIPLES},
                data=body,
                auth=auth,
            )
        else:
            send(
                "POST",
                target,
                limits,
                headers={"Content-Type": "application/sparql-update"},
                data=_update(graph, body),
                auth=auth,
            )
        pushed.append((graph, len(triples)))
        logger.info(
            "pushed %s (%d triples) to %s", graph or "the default graph", len(triples), target
        )
    return PushResult(target, chosen, tuple(pushed), time.monotonic() - started)


def _graphs(store: ox.Store) -> Iterator[tuple[str, list[ox.Triple]]]:
    """Each named graph (sorted), then the default graph if it has triples."""
    for name in sorted(store.named_graphs(), key=lambda node: node.value):
        if isinstance(name, ox.NamedNode):
            yield (
                name.value,
                [quad.triple for quad in store.quads_for_pattern(None, None, None, name)],
            )
    default = [quad.triple for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph())]
    if default:
        yield "", default


def _update(graph: str, ntriples: bytes) -> bytes:
    if not graph:
        return b"DROP SILENT DEFAULT ;\nINSERT DATA {\n" + ntriples + b"}\n"
    head = f"DROP SILENT GRAPH <{graph}> ;\nINSERT DATA {{ GRAPH <{graph}> {{\n".encode()
    return head + ntriples + b"} }\n"


def _auth(settings: Settings) -> tuple[str, str] | None:
    if settings.publish_user is None:
        return None
    if settings.publish_password is None:
        raise ConfigError("publish_user is set but publish_password is not")
    return settings.publish_user, settings.publish_password
