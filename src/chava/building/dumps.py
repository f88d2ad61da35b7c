"""The downloadable dumps of a build: which files, in which syntax, with their size and SHA-256."""

from __future__ import annotations

import gzip
import hashlib
import logging
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final, cast

import pyoxigraph as ox

from chava import formats, namespaces
from chava.formats import Format

logger = logging.getLogger(__name__)


GZIP_LEVEL: Final = 3
"""The N-Quads dump's gzip level. At a million statements (216 MB of N-Quads) level 3 costs
about 0.4 s of CPU against 1.1 s for level 6 (the dump itself ~1 s more either way) and writes
a quarter more bytes (12.5 MB against 10.0 MB). A build is bound by CPU on two cores, where
0.7 s of CPU is ~0.45 s of its wall time (docs/benchmarks.md, issue 16's build bar); levels 1
and 2 cost the same as 3 and write more (13.9 and 13.0 MB)."""


@dataclass(frozen=True)
class DumpKind:
    """One dump file a build writes."""

    name: str
    """File name under `dumps/`."""
    format: Format
    gzipped: bool
    title: str
    """What it holds, for people (DCAT title)."""


DUMP_KINDS: Final = (
    DumpKind("chava.nq.gz", formats.N_QUADS, True, "N-Quads (gzip), every named graph"),
    DumpKind("chava.trig", formats.TRIG, False, "TriG, every named graph"),
    DumpKind("chava.ttl", formats.TURTLE, False, "Turtle, union of the graphs (no graph names)"),
    DumpKind("chava.jsonld", formats.JSON_LD, False, "JSON-LD (expanded), every named graph"),
)


@dataclass(frozen=True)
class Dump:
    """A written dump file and what identifies its bytes."""

    kind: DumpKind
    path: Path
    byte_size: int
    sha256: str

    def to_manifest(self) -> dict[str, object]:
        """The manifest entry of this dump."""
        return {
            "name": self.kind.name,
            "media_type": self.kind.format.media_type,
            "gzip": self.kind.gzipped,
            "byte_size": self.byte_size,
            "sha256": self.sha256,
        }


def write_dumps(
    store: ox.Store,
    folder: Path,
    *,
    prefixes: Mapping[str, str] = namespaces.PREFIXES,
    disjoint: Callable[[], bool] | None = None,
) -> tuple[Dump, ...]:
    """Write every dump of *store* into *folder*; Turtle gets the union of the graphs.

    *prefixes* are declared in the syntaxes that have them (the publication's own). *store*
    may be a `chava.stores.published_graphs.GraphView`: the dumps then hold its published graphs
    only (quarantined harvests are never in a dump). *disjoint* says (when asked, from the Turtle
    dump's thread) whether no triple is in two graphs: then the union is written graph after
    graph, each graph dumped by the store, instead of through a SELECT DISTINCT over the union
    (which holds every triple in memory to write each once).
    """
    folder.mkdir(parents=True, exist_ok=True)

    def write(kind: DumpKind) -> Dump:
        path = folder / kind.name
        _write_one(store, kind, path, prefixes, disjoint)
        dump = Dump(kind, path, path.stat().st_size, sha256_of(path))
        logger.info("wrote %s (%d bytes)", path, dump.byte_size)
        return dump

    # pyoxigraph serialises without the GIL: the dumps of a big store are written in parallel.
    with ThreadPoolExecutor(max_workers=len(DUMP_KINDS)) as pool:
        return tuple(pool.map(write, DUMP_KINDS))


def sha256_of(path: Path) -> str:
    """The hex SHA-256 of a file, read in chunks."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _write_one(
    store: ox.Store,
    kind: DumpKind,
    path: Path,
    prefixes: Mapping[str, str],
    disjoint: Callable[[], bool] | None = None,
) -> None:
    rdf_format = kind.format.rdf_format
    assert rdf_format is not None
    declared = dict(prefixes) if rdf_format in _PREFIXED else None
    if kind.gzipped:
        # mtime=0: the same content gives the same bytes, hence the same checksum.
        with (
            path.open("wb") as raw,
            gzip.GzipFile(
                filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0
            ) as stream,
        ):
            _dump(store, cast(IO[bytes], stream), rdf_format, None)
        return
    if kind.format.supports_datasets or rdf_format == ox.RdfFormat.JSON_LD:
        _dump(store, path, rdf_format, declared)
        return
    if isinstance(store, ox.Store) and disjoint is not None and disjoint():
        # Each triple is in one graph: the union is the graphs' triples one after the other (a
        # Turtle document may declare its prefixes again before each graph's triples).
        named = [graph for graph in store.named_graphs() if isinstance(graph, ox.NamedNode)]
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [
            *sorted(named, key=lambda graph: graph.value)
        ]
        if next(iter(store.quads_for_pattern(None, None, None, ox.DefaultGraph())), None):
            graphs.insert(0, ox.DefaultGraph())
        with path.open("wb") as stream:
            for graph in graphs:
                store.dump(stream, rdf_format, from_graph=graph, prefixes=declared)
        return
    # A triple syntax: the union of every graph, each triple once (CONSTRUCT alone would write
    # a triple stated in two graphs twice).
    triples = store.query(_UNION_TRIPLES, use_default_graph_as_union=True)
    assert isinstance(triples, ox.QueryTriples)
    ox.serialize(triples, path, rdf_format, prefixes=declared)


def _dump(
    store: ox.Store, output: IO[bytes] | Path, rdf_format: ox.RdfFormat, prefixes: Any
) -> None:
    """Every quad of *store*: the store's own dump, or a view's quads serialized one by one."""
    if isinstance(store, ox.Store):
        store.dump(output, rdf_format, prefixes=prefixes)
    else:
        quads = store.quads_for_pattern(None, None, None, None)
        ox.serialize(quads, output, rdf_format, prefixes=prefixes)


_UNION_TRIPLES: Final = (
    "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
)
_PREFIXED: Final = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG)
