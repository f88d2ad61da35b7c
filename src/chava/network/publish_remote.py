"""`chava publish --to URL`: push a build to a SPARQL 1.1 engine, graph by graph, incrementally.

Two ways:
- Graph Store Protocol: `PUT {store}?graph={iri}` with the graph as N-Triples (then `POST`
  for its further chunks);
- SPARQL Update, for engines without a graph store: `DROP SILENT GRAPH <iri> ; INSERT DATA
  { GRAPH <iri> { ... } }` (then INSERT for further chunks; on Virtuoso, which refuses blank
  nodes in INSERT DATA, `INSERT { GRAPH <iri> { ... } } WHERE {}`).

**Incremental.** Each graph's content is hashed (its N-Triples, sorted); what was pushed to a
target is remembered in the build folder (`published/<target>.json`): a graph whose hash did
not change is not sent again, a graph the build no longer has is dropped. The metadata graph
goes last, so an engine holding it holds the whole publication. `--full` sends everything.

**Chunks.** A graph larger than `publish_chunk_bytes` goes in several requests; the statements
sharing a blank node always travel together (a blank node's label means one node within one
request only). A graph in chunks is not replaced atomically: a failure leaves it partial, and it
is sent again (whole) by the next run; `chava serve --store` refuses an engine whose counts
differ from the build's.

Credentials: `publish_user` / `publish_password` (Basic or Digest, `publish_auth`) or
`publish_token` (bearer); never logged, never accepted inside the URL. They are not the
credentials `chava serve --store` reads with.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final
from urllib.parse import quote, urlsplit

import pyoxigraph as ox

from chava.building.builds import Build
from chava.building.dataset_description import metadata_graph_iri
from chava.config import Settings
from chava.errors import ConfigError, StoreError
from chava.network.remote import check_url
from chava.stores.remote_engines.auth import Credentials
from chava.stores.remote_engines.profiles import EngineProfile, profile_named, profile_of_server
from chava.stores.remote_engines.transport import EngineClient

logger = logging.getLogger(__name__)

PROTOCOLS: Final = ("auto", "gsp", "update")
NTRIPLES: Final = "application/n-triples"
STATE_FOLDER: Final = "published"


@dataclass(frozen=True)
class PushResult:
    """What was pushed where, and how."""

    target: str
    protocol: str
    graphs: tuple[tuple[str, int], ...]
    """(graph IRI, or '' for the default graph; triples) of every graph of the build."""
    seconds: float
    sent: tuple[str, ...] = ()
    """The graphs sent (changed since the last push to this target, or all)."""
    dropped: tuple[str, ...] = ()
    """Graphs pushed before that the build no longer has, dropped from the engine."""
    requests: int = 0


def protocol_for(target: str, requested: str = "auto") -> str:
    """`update` for a URL whose path ends in /update (or when asked), else `gsp`."""
    if requested not in PROTOCOLS:
        raise ConfigError(f"protocol {requested!r}: expected one of {', '.join(PROTOCOLS)}")
    if requested != "auto":
        return requested
    return "update" if urlsplit(target).path.rstrip("/").endswith("update") else "gsp"


def write_credentials(settings: Settings) -> Credentials:
    """The credentials `chava publish --to` writes with (publish_*; never the store ones)."""
    if settings.publish_user is not None and settings.publish_password is None:
        raise ConfigError("publish_user is set but publish_password is not")
    return Credentials(
        settings.publish_user,
        settings.publish_password,
        settings.publish_token,
        settings.publish_auth,
    )


def push_build(
    build: Build,
    target: str,
    settings: Settings,
    *,
    protocol: str = "auto",
    full: bool = False,
) -> PushResult:
    """Push the graphs of *build* that changed since the last push to *target* (all: *full*).

    Raises RemoteSourceError on the first failure; graphs pushed before it stay replaced and
    are remembered, so the next run goes on from there.
    """
    check_url(target)
    if "@" in urlsplit(target).netloc:
        raise ConfigError(
            "credentials in the URL refused: set publish_user and publish_password instead"
        )
    chosen = protocol_for(target, protocol)
    client = EngineClient(
        (target,),
        write_credentials(settings),
        connect_timeout=settings.remote_connect_timeout,
        read_timeout=settings.publish_timeout,
        max_bytes=settings.remote_max_bytes,
        concurrency=1,
    )
    profile = _profile(settings, client)
    try:
        store = ox.Store.read_only(str(build.store_path))
    except OSError as error:
        raise StoreError(f"{build.store_path}: cannot open the store: {error}") from error
    state_path = state_file(build, target)
    pushed = {} if full else _read_state(state_path, target)
    started = time.monotonic()
    writer = _Writer(client, target, chosen, profile, settings.publish_chunk_bytes)
    metadata = metadata_graph_iri(settings)
    names = _graph_names(store)
    names.sort(key=lambda name: name == metadata)  # the metadata graph last
    every: list[tuple[str, int]] = []
    sent: list[str] = []
    for graph in names:
        triples = _triples(store, graph)
        digest = content_hash(triples)
        every.append((graph, len(triples)))
        previous = pushed.get(graph)
        if previous is not None and previous.get("sha256") == digest:
            continue
        writer.replace(graph, triples)
        sent.append(graph)
        pushed[graph] = {"sha256": digest, "triples": len(triples)}
        _write_state(state_path, target, pushed)
        logger.info(
            "pushed %s (%d triples) to %s", graph or "the default graph", len(triples), target
        )
    dropped = sorted(set(pushed) - set(names))
    for graph in dropped:
        writer.drop(graph)
        del pushed[graph]
        _write_state(state_path, target, pushed)
        logger.info("dropped %s from %s: the build no longer has it", graph, target)
    client.close()
    return PushResult(
        target,
        chosen,
        tuple(every),
        time.monotonic() - started,
        tuple(sent),
        tuple(dropped),
        writer.requests,
    )


class _Writer:
    """Replaces and drops graphs on the engine, in requests of at most *chunk* bytes."""

    def __init__(
        self, client: EngineClient, target: str, protocol: str, profile: EngineProfile, chunk: int
    ) -> None:
        self.client = client
        self.target = target
        self.protocol = protocol
        self.profile = profile
        self.chunk = max(1024, chunk)
        self.requests = 0

    def replace(self, graph: str, triples: list[ox.Triple]) -> None:
        """Replace *graph* by *triples* (first chunk replaces, the others add)."""
        chunks = list(chunked(triples, self.chunk)) or [b""]
        for index, body in enumerate(chunks):
            if self.protocol == "gsp":
                self._send("PUT" if index == 0 else "POST", graph, body, NTRIPLES)
            else:
                self._send(
                    "POST",
                    None,
                    self._update(graph, body, first=index == 0),
                    "application/sparql-update",
                )

    def drop(self, graph: str) -> None:
        """Remove *graph* from the engine."""
        if self.protocol == "gsp":
            self._send("DELETE", graph, None, None)
        else:
            name = "DEFAULT" if not graph else f"GRAPH <{graph}>"
            self._send("POST", None, f"DROP SILENT {name}".encode(), "application/sparql-update")

    def _send(
        self, method: str, graph: str | None, body: bytes | None, media_type: str | None
    ) -> None:
        suffix = ""
        if graph is not None:
            parameter = "default" if not graph else "graph=" + quote(graph, safe="")
            suffix = ("&" if "?" in self.target else "?") + parameter
        headers = {} if media_type is None else {"Content-Type": media_type}
        self.client.request(method, body=body, headers=headers, suffix=suffix)
        self.requests += 1

    def _update(self, graph: str, ntriples: bytes, *, first: bool) -> bytes:
        target = "DEFAULT" if not graph else f"GRAPH <{graph}>"
        drop = f"DROP SILENT {target} ;\n".encode() if first else b""
        if not graph:
            return drop + b"INSERT DATA {\n" + ntriples + b"}\n"
        if self.profile.insert_template:
            head = f"INSERT {{ GRAPH <{graph}> {{\n".encode()
            return drop + head + ntriples + b"} } WHERE {}\n"
        head = f"INSERT DATA {{ GRAPH <{graph}> {{\n".encode()
        return drop + head + ntriples + b"} }\n"


def chunked(triples: Sequence[ox.Triple], limit: int) -> Iterator[bytes]:
    """N-Triples documents of about *limit* bytes at most; the statements sharing a blank node
    are in the same document (one larger than *limit* goes alone)."""
    groups = _blank_groups(triples)
    batch: list[bytes] = []
    size = 0
    for group in groups:
        text = ox.serialize(group, format=ox.RdfFormat.N_TRIPLES) or b""
        if batch and size + len(text) > limit:
            yield b"".join(batch)
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield b"".join(batch)


def _blank_groups(triples: Sequence[ox.Triple]) -> list[list[ox.Triple]]:
    """The triples in groups: each blank node's statements in one group (union-find)."""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def find(node: ox.BlankNode) -> ox.BlankNode:
        root = node
        while parent.setdefault(root, root) != root:
            root = parent[root]
        while parent[node] != root:
            parent[node], node = root, parent[node]
        return root

    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) and isinstance(triple.object, ox.BlankNode):
            first, second = find(triple.subject), find(triple.object)
            if first != second:
                parent[second] = first
    groups: dict[object, list[ox.Triple]] = {}
    plain: list[list[ox.Triple]] = []
    for triple in triples:
        node = triple.subject if isinstance(triple.subject, ox.BlankNode) else triple.object
        if isinstance(node, ox.BlankNode):
            groups.setdefault(find(node), []).append(triple)
        else:
            plain.append([triple])
    return [*plain, *groups.values()]


def content_hash(triples: Sequence[ox.Triple]) -> str:
    """SHA-256 of the graph's N-Triples lines, sorted (blank-node labels as stored)."""
    lines = sorted(str(triple) for triple in triples)
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode() + b"\n")
    return digest.hexdigest()


def state_file(build: Build, target: str) -> Path:
    """Where what was pushed to *target* is remembered: the build folder holding *build*."""
    key = hashlib.sha256(target.encode()).hexdigest()[:16]
    return build.path.parent.parent / STATE_FOLDER / f"{key}.json"


def _read_state(path: Path, target: str) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("%s unreadable (%s): pushing every graph", path, error)
        return {}
    if not isinstance(data, dict) or data.get("target") != target:
        return {}
    graphs = data.get("graphs")
    return dict(graphs) if isinstance(graphs, dict) else {}


def _write_state(path: Path, target: str, graphs: dict[str, dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(
        json.dumps({"target": target, "graphs": graphs}, indent=1, sort_keys=True),
        encoding="utf-8",
    )
    partial.replace(path)


def _profile(settings: Settings, client: EngineClient) -> EngineProfile:
    if settings.store_engine != "auto":
        return profile_named(settings.store_engine)
    return profile_of_server(client.server())


def _graph_names(store: ox.Store) -> list[str]:
    """Each named graph (sorted), then '' for the default graph if it has triples."""
    names = sorted(name.value for name in store.named_graphs() if isinstance(name, ox.NamedNode))
    default = next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None)
    return names + ([""] if default is not None else [])


def _triples(store: ox.Store, graph: str) -> list[ox.Triple]:
    name = ox.NamedNode(graph) if graph else ox.DefaultGraph()
    return [quad.triple for quad in store.quads_for_pattern(None, None, None, name)]
