"""`chava build`: validate, load into a new on-disk store, describe, dump, verify, then swap.

A build goes to `builds/<build_id>/` (the id is a hash of the bytes read from the inputs, so the
same inputs give the same id and the same ETags), written under a temporary name, verified
against its manifest (chava.building.build_check) and renamed into place; then the `current` symlink
is replaced in one `os.replace` and the build log gets a line (chava.building.build_log). A failed
or killed build leaves the current one untouched, and its leftovers are never reused. Builds run
one at a time under the build lock; older builds are pruned, except the previous one and any
build a running server still uses (chava.building.build_leases).
"""

from __future__ import annotations

import gc
import logging
import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, cast

import pyoxigraph as ox

from chava.building.build_check import build_files, graph_counts, open_verified, store_files
from chava.building.build_inputs import (
    build_id_of,
    data_settings,
    input_entries,
    publication_files,
    quads_entry,
    settings_key,
    stat_sources,
)
from chava.building.build_leases import (
    DAMAGED_PREFIX,
    TEMPORARY_PREFIX,
    build_lock,
    current_build_id,
    prune,
    remove_folder,
)
from chava.building.build_log import LogEntry, append_entry, read_log
from chava.building.builds import (
    BUILDS,
    CURRENT,
    MANIFEST,
    PREVIOUS,
    Build,
    read_build,
    write_manifest,
)
from chava.building.dataset_description import (
    BuildFacts,
    dataset_totals,
    describe_dataset,
    metadata_graph_iri,
)
from chava.building.dumps import Dump, write_dumps
from chava.config import Settings
from chava.errors import (
    BuildError,
    DamagedBuildError,
    LoadError,
    StoreError,
    ValidationFailedError,
)
from chava.loading import sdg
from chava.loading.hashed_input import InputDigest, read_bytes, read_digest
from chava.loading.rdf_input import InputLimits, load_into, rdf_format_of, read_hashed
from chava.loading.sources import (
    FOLDER_GRAPHS,
    Publication,
    collect_files,
    load_files,
    load_publication,
)
from chava.publication_iris import publication_iris, rename_loaded_graphs
from chava.search.build import INDEX_FILE, add_class_instances, vocabulary_labels, write_index
from chava.stores.published_graphs import GraphView, withheld_graphs
from chava.validation.validation_progress import Progress

logger = logging.getLogger(__name__)

RECENT_BUILDS: Final = 20
TWIN_BYTES: Final = 512 * 1024 * 1024
"""Inputs up to this size (about 2.5 million statements, 1.5 GB of memory) are also loaded in
memory while the store is written, and the build reads that copy (see _write_build)."""
"""Earlier builds the dataset description lists as versions (the build log keeps them all)."""

Inputs = list[dict[str, Any]]
Loader = Callable[[ox.Store], tuple[Inputs, list[dict[str, Any]]]]
"""Loads the store; returns the manifest's inputs (name, sha256, bytes) and sources (stat)."""


def build_publication(
    settings: Settings,
    *,
    publication: Publication | None = None,
    allow_invalid: bool = False,
    validate: bool = True,
    progress: Progress | None = None,
) -> Build:
    """Build the publication at `settings.root` (or *publication*) and make it current.

    Raises ValidationFailedError (with the report text) on SHACL violations unless
    *allow_invalid*, LoadError on unreadable sources, BuildError when writing fails.
    """
    if publication is None:
        publication = load_publication(settings.root, limits=InputLimits.from_settings(settings))
    if publication.digests:  # read from files (here, or by a caller holding a lock meanwhile)
        inputs = input_entries(publication.digests, relative_to=settings.root)
        sources = [digest.to_source() for digest in publication.digests]
    else:
        inputs, sources = [quads_entry(publication.quads)], []
    if validate:
        _validate(publication, None, settings, allow_invalid=allow_invalid, progress=progress)
    quads = rename_loaded_graphs(publication.quads, publication_iris(settings))
    skipped = [{"path": str(path), "reason": reason} for path, reason in publication.skipped]

    def load(store: ox.Store) -> tuple[Inputs, list[dict[str, Any]]]:
        store.bulk_extend(quads)
        return inputs, sources

    return _build(settings, load, known_inputs=inputs, bundled=True, skipped=skipped)


def build_dataset(
    settings: Settings,
    paths: Sequence[Path],
    *,
    validate: bool = True,
    allow_invalid: bool = False,
    progress: Progress | None = None,
) -> Build:
    """Build the RDF files or folders *paths* (named graphs kept) under `data_settings(...)`.

    Triples outside a named graph go to `settings.data_default_graph`, or the default graph.
    Validation uses the data's own shapes graph, else the profile of the publication root.
    Each file is read once: what is validated and loaded is what the build id hashes.
    """
    settings = data_settings(settings, paths)
    files = collect_files(paths)
    if not files:
        raise LoadError(", ".join(str(path) for path in paths), "no RDF file found")
    limits = InputLimits.from_settings(settings)
    if validate:
        publication = load_files(files, default_graph=settings.data_default_graph, limits=limits)
        own_shapes = any(publication.graph(iri) for iri in _shapes_graphs(settings))
        profile = None if own_shapes else _profile(settings)
        if own_shapes or profile is not None:
            _validate(
                publication, profile, settings, allow_invalid=allow_invalid, progress=progress
            )
        else:
            logger.warning("no SHACL shapes to validate the dataset with: not validated")
        inputs = input_entries(publication.digests, relative_to=None)
        sources = [digest.to_source() for digest in publication.digests]
        quads = publication.quads

        def load_parsed(store: ox.Store) -> tuple[Inputs, list[dict[str, Any]]]:
            store.bulk_extend(quads)
            return inputs, sources

        return _build(settings, load_parsed, known_inputs=inputs, bundled=False)

    target = settings.data_default_graph
    to_graph = ox.NamedNode(target) if target else ox.DefaultGraph()
    # The files are hashed once first, to find an existing build of these bytes without loading
    # them; the id of a new build is that of the bytes loaded. Inputs that fit in TWIN_BYTES
    # are kept from that read and loaded as read (then both are the same bytes); larger ones
    # are read again (a file may change in between: the build is named after the second read).
    read: dict[Path, tuple[bytes, InputDigest]] = {}
    try:
        keep = sum(path.stat().st_size for path in files) <= TWIN_BYTES
        digests = []
        for path in files:
            if keep:
                read[path] = read_bytes(path)
                digests.append(read[path][1])
            else:
                digests.append(read_digest(path))
    except OSError as error:
        raise LoadError(error.filename or files[0], error.strerror or str(error)) from error
    expected = input_entries(digests, relative_to=None)

    def load_files_hashed(store: ox.Store) -> tuple[Inputs, list[dict[str, Any]]]:
        loaded = [
            _load_checked(store, path, to_graph, limits, read=read.pop(path, None))
            for path in files
        ]
        if any(variant for _digest, variant in loaded):
            sdg.normalise_store(store)  # https SDG IRIs published in the UN KOS's http form
        digests = [digest for digest, _variant in loaded]
        return input_entries(digests, relative_to=None), [d.to_source() for d in digests]

    return _build(settings, load_files_hashed, known_inputs=expected, bundled=False)


def _load_checked(
    store: ox.Store,
    path: Path,
    to_graph: ox.NamedNode | ox.DefaultGraph,
    limits: InputLimits,
    *,
    read: tuple[bytes, InputDigest] | None = None,
) -> tuple[InputDigest, bool]:
    """Check and load one file into the store (chava.loading.rdf_input), hashing the bytes it read
    (or taking *read*: the bytes and digest of the file as read before); also say whether it
    spells an SDG IRI in https (then the store is normalised:
    chava.loading.sdg).

    An OSError while loading is the store's (a full disk): _build reports it.
    """
    data, digest = read_hashed(path, limits, read=read)
    del read
    try:
        load_into(store, data, rdf_format_of(path), source=path, limits=limits, to_graph=to_graph)
    except ValueError as error:
        raise LoadError(path, str(error)) from error
    # Looked for once the load has started: with a twin, the store on disk loads meanwhile.
    variant = sdg.VARIANT.encode() in data
    logger.info("loaded %s", path)
    return digest, variant


def up_to_date_build(settings: Settings, paths: Sequence[Path] | None = None) -> Build | None:
    """Return the current build if its sources are unchanged (same files, sizes, mtimes)."""
    if paths is not None:
        settings = data_settings(settings, paths)
        files = collect_files(paths)
    else:
        files = publication_files(settings)
    link = settings.build_path / CURRENT
    if not (link / MANIFEST).is_file():
        return None
    try:
        build = read_build(link.resolve())
    except StoreError as error:  # an unreadable manifest: build again
        logger.warning("%s", error)
        return None
    unchanged = build.manifest.get("sources") == stat_sources(files)
    same_settings = build.manifest.get("settings_key") == settings_key(settings)
    return build if unchanged and same_settings else None


def _build(
    settings: Settings,
    load: Loader,
    *,
    known_inputs: Inputs,
    bundled: bool,
    skipped: list[dict[str, str]] | None = None,
) -> Build:
    """Write (or reuse) the build of these inputs and make it current, under the build lock.

    An existing whole build of *known_inputs* is reused; otherwise the id of the new build is
    that of the inputs *load* reports (the bytes it read).
    """
    build_path = settings.build_path
    key = settings_key(settings)
    with build_lock(build_path):
        builds = build_path / BUILDS
        try:
            builds.mkdir(parents=True, exist_ok=True)
            prune(build_path)  # a killed build's leftovers, before using more disk
        except OSError as error:
            raise BuildError(f"{builds}: cannot write the build folder: {error}") from error
        existing = _reusable(builds / build_id_of(key, known_inputs))
        if existing is not None:
            return _publish(settings, existing, reused=True)
        temporary = builds / f"{TEMPORARY_PREFIX}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            with _cyclic_gc_paused():
                build_id = _write_build(
                    temporary,
                    settings,
                    load,
                    bundled=bundled,
                    skipped=skipped or [],
                    twin=_twin_fits(known_inputs),
                )
            final = builds / build_id
            existing = _reusable(final)  # a file changed after it was first hashed
            if existing is not None:
                return _publish(settings, existing, reused=True)
            temporary.rename(final)
        except (OSError, RuntimeError) as error:  # RuntimeError: pyoxigraph's storage errors
            raise BuildError(f"{builds}: could not write the build: {_one_line(error)}") from error
        except DamagedBuildError as error:  # written, but it does not read back as written
            raise BuildError(
                f"the new build failed verification, not published: {error}"
            ) from error
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
        return _publish(settings, read_build(final), reused=False)


def _reusable(folder: Path) -> Build | None:
    """The complete, verified build in *folder*; a damaged one is moved aside (and logged)."""
    if not folder.exists():
        return None
    try:
        build = read_build(folder)
        open_verified(build, thorough=True)
    except StoreError as error:
        logger.warning("%s: building it again", error)
        aside = folder.with_name(f"{DAMAGED_PREFIX}{folder.name}-{secrets.token_hex(4)}")
        try:
            folder.rename(aside)  # even if a server holds it: it sees a new folder and moves
        except OSError as rename_error:
            raise BuildError(
                f"{folder}: damaged and cannot be moved aside: {rename_error}"
            ) from None
        remove_folder(aside, prefix=DAMAGED_PREFIX)
        return None
    logger.info("build %s already exists and is whole: reusing it", build.build_id)
    return build


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a build is written, then restore it.

    A build allocates millions of short-lived objects that hold no reference cycles (quads,
    terms, index rows): their allocations trigger collections that walk the growing heap of
    the catalogue index for nothing (~0.4 s of CPU at 1M statements, 2-3% of the build).
    Reference counting still frees everything; a cycle made meanwhile is collected after.
    Builds run in processes of their own (`chava build`, `chava serve` before it serves, the
    contributions' rebuild process), so nothing else waits on the collector.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _twin_fits(inputs: Inputs) -> bool:
    """Whether the inputs are small enough to be loaded a second time in memory (TWIN_BYTES)."""
    return sum(int(entry.get("bytes", 0)) for entry in inputs) <= TWIN_BYTES


def _write_build(
    folder: Path,
    settings: Settings,
    load: Loader,
    *,
    bundled: bool,
    skipped: list[dict[str, str]],
    twin: bool = False,
) -> str:
    """Write a whole build into *folder*, verify it, and return its id.

    With *twin*, the inputs are loaded twice at once: into the store on disk (on a thread) and
    into a store in memory, which the dumps, the catalogue index and the dataset description
    read meanwhile (reading the store on disk costs about 5 times as much). The files are read
    and hashed once (`_Mirror`): both stores load the same bytes.
    """
    created = datetime.now(UTC).replace(microsecond=0)
    folder.mkdir(parents=True)
    store = ox.Store(str(folder / "store"))
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chava-load") as pool:
        mirror = _Mirror(ox.Store(), store, pool) if twin else None
        reader = mirror.memory if mirror is not None else store
        inputs, sources = load(cast(ox.Store, mirror) if mirror is not None else store)
        described = _describe(folder, settings, reader, inputs, created=created, bundled=bundled)
        del reader
        freeing = None
        if mirror is not None:
            # The copy in memory is read no more: freed (~0.5 s at 1M) on a thread while the
            # store on disk finishes loading.
            freeing = mirror.release_memory()
            mirror.wait()  # the store on disk holds what the one in memory held
    del mirror  # the store on disk must have no other reference when it is closed
    # The build's description stays in the store's write-ahead log, which every opening reads
    # back into memory: flushed, it would be a second table file beside the bulk load's in every
    # index, which each lookup then reads too (queries up to 19% slower at 1M, measured).
    store.extend(described.metadata)
    # The metadata graph: what the data states about the dataset, and what the build added.
    metadata_graph = ox.NamedNode(metadata_graph_iri(settings))
    counts = dict(described.counts)
    counts[metadata_graph.value] = sum(
        1 for _ in store.quads_for_pattern(None, None, None, metadata_graph)
    )
    counts = dict(sorted(counts.items()))
    del store  # closes the RocksDB files before they are listed and the folder renamed
    _sync_logs(folder / "store")
    manifest = {
        "build_id": described.build_id,
        "created": created.isoformat(),
        "bundled": bundled,
        "graphs": counts,
        "triples": sum(counts.values()),
        "distinct_triples": described.triples,
        "metadata_graph": metadata_graph.value,
        "withheld_graphs": described.withheld,
        "skipped_files": skipped,
        "dumps": [dump.to_manifest() for dump in described.dumps],
        "inputs": inputs,
        "previous": described.previous,
        "sources": sources,
        "settings_key": settings_key(settings),
        "store_files": store_files(folder / "store"),
        "build_files": described.files,
    }
    write_manifest(folder, manifest)
    # What was written reads back: the manifest, every file at its size (the digests above were
    # computed from the closed files, each read back once: not read a second time), the store
    # reopened read-only and the quads of every graph counted.
    verified = open_verified(read_build(folder), thorough=True, rehash=False)
    del verified
    if freeing is not None:
        freeing.join()
    logger.info(
        "built %s: %d quads in %d graphs", described.build_id, sum(counts.values()), len(counts)
    )
    return described.build_id


class _Mirror:
    """The store a loader writes to while a build has a twin: every write goes to the store in
    memory at once and, in the same order, to the store on disk on a thread; reads are answered
    from memory. `wait` returns once the store on disk has every write (or raises its error)."""

    def __init__(self, memory: ox.Store, disk: ox.Store, pool: ThreadPoolExecutor) -> None:
        self._memory: ox.Store | None = memory
        self.disk = disk
        self._pool = pool
        self._pending: list[Future[Any]] = []

    @property
    def memory(self) -> ox.Store:
        """The store in memory (until `release_memory`)."""
        assert self._memory is not None, "the copy in memory is read after its release"
        return self._memory

    def release_memory(self) -> threading.Thread:
        """Drop the store in memory on a thread (freeing a million quads takes ~0.5 s, which
        then overlaps the end of the load on disk); the caller joins the thread returned."""
        held = [self.memory]
        self._memory = None
        thread = threading.Thread(target=held.clear, name="chava-free-memory")
        thread.start()
        return thread

    def _both(self, method: str, *args: Any, **kwargs: Any) -> Any:
        result = getattr(self.memory, method)(*args, **kwargs)
        self._pending.append(self._pool.submit(getattr(self.disk, method), *args, **kwargs))
        return result

    def bulk_load(
        self,
        data: bytes,
        *,
        format: ox.RdfFormat,
        to_graph: ox.NamedNode | ox.DefaultGraph,
    ) -> None:
        """Load a document into both stores at once: on disk on the pool's thread, started
        first, and into memory here (what reports a syntax error, with its line, before the
        build goes on). One bulk load each: the loader names blank nodes afresh on each call,
        so a document is never cut into parts loaded separately."""
        self._pending.append(
            self._pool.submit(self.disk.bulk_load, data, format=format, to_graph=to_graph)
        )
        self.memory.bulk_load(data, format=format, to_graph=to_graph)

    def bulk_extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to both stores (read once)."""
        self._both("bulk_extend", list(quads))

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads to both stores (read once)."""
        self._both("extend", list(quads))

    def add(self, quad: ox.Quad) -> None:
        """Add a quad to both stores."""
        self._both("add", quad)

    def remove(self, quad: ox.Quad) -> None:
        """Remove a quad from both stores."""
        self._both("remove", quad)

    def update(self, update: str, **kwargs: Any) -> None:
        """Run a SPARQL update on both stores."""
        self._both("update", update, **kwargs)

    def quads_for_pattern(self, *args: Any, **kwargs: Any) -> Any:
        """Read from the store in memory."""
        return self.memory.quads_for_pattern(*args, **kwargs)

    def query(self, *args: Any, **kwargs: Any) -> Any:
        """Read from the store in memory."""
        return self.memory.query(*args, **kwargs)

    def wait(self) -> None:
        """Wait for every write to the store on disk; raise the first error."""
        for future in self._pending:
            future.result()
        self._pending.clear()


@dataclass(frozen=True)
class _Described:
    """What a build says of its data: its id, counts, dumps, index and description."""

    build_id: str
    counts: dict[str, int]
    withheld: list[str]
    dumps: tuple[Dump, ...]
    triples: int
    previous: str | None
    metadata: list[ox.Quad]
    files: dict[str, dict[str, Any]]
    """The manifest's `build_files`: the catalogue index, hashed once written."""


def _describe(
    folder: Path,
    settings: Settings,
    store: ox.Store,
    inputs: Inputs,
    *,
    created: datetime,
    bundled: bool,
) -> _Described:
    """Count, dump and index the published graphs of *store*, and describe the dataset."""
    build_id = build_id_of(settings_key(settings), inputs)
    counts = graph_counts(store)
    withheld = withheld_graphs(counts, settings.data_base_iri)
    # Dumps, the index and the dataset description cover the published graphs only.
    published = cast(ox.Store, GraphView(store, withheld)) if withheld else store
    published_counts = {iri: count for iri, count in counts.items() if iri not in withheld}
    previous = current_build_id(settings.build_path)
    history = [entry for entry in reversed(read_log(settings.build_path))][:RECENT_BUILDS]
    # The catalogue index (listings, search), before the build's own description is added:
    # what the dataset holds, not how it was built. Written on a thread while the dumps are
    # (pyoxigraph writes those without the GIL), the distinct triples counted and the VoID
    # counts queried (pyoxigraph queries without the GIL too).
    iris = publication_iris(settings)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="chava-describe") as pool:
        indexing = pool.submit(
            write_index,
            folder / INDEX_FILE,
            published,
            languages=settings.languages,
            vocabulary=vocabulary_labels(settings.root),
            vocabulary_graphs=iris.vocabulary_graphs,
        )
        counting = pool.submit(dataset_totals, published, published_counts)
        dumps = write_dumps(
            published,
            folder / "dumps",
            prefixes=iris.prefixes,
            # No triple in two graphs: the Turtle union is the graphs one after the other.
            disjoint=lambda: counting.result().triples == sum(published_counts.values()),
        )
        totals = counting.result()
        triples = totals.triples
        facts = BuildFacts(
            build_id,
            created,
            dumps,
            bundled,
            published_counts,
            previous,
            inputs,
            history,
            triples,
            totals.entities,
        )
        metadata = list(describe_dataset(published, settings, facts))
        indexing.result()
    # The class pages count the build's own description too (its datasets, distributions...).
    add_class_instances(folder / INDEX_FILE, metadata, vocabulary_graphs=iris.vocabulary_graphs)
    files = build_files(folder, (INDEX_FILE,))  # hashed while the store on disk still loads
    return _Described(build_id, counts, withheld, dumps, triples, previous, metadata, files)


def _publish(settings: Settings, build: Build, *, reused: bool) -> Build:
    """Make *build* current, log it, and prune what is no longer needed."""
    build_path = settings.build_path
    previous = current_build_id(build_path)
    try:
        _swap_current(build_path, build.path)
    except OSError as error:
        raise BuildError(f"{build_path / CURRENT}: could not switch: {error}") from error
    if previous != build.build_id or not reused:
        entry = LogEntry(
            build_id=build.build_id,
            created=build.created,
            published=datetime.now(UTC).replace(microsecond=0),
            previous=previous,
            triples=int(build.manifest.get("distinct_triples", 0)),
            inputs=tuple(build.manifest.get("inputs", ())),
            graphs=dict(build.manifest.get("graphs", {})),
            reused=reused,
        )
        try:
            append_entry(build_path, entry)
        except OSError as error:  # the build is published; only its log line is missing
            logger.error(
                "build %s is current, but the build log was not written: %s", build.build_id, error
            )
    try:
        prune(build_path)
    except OSError as error:  # the next build prunes again
        logger.warning("could not prune old builds: %s", error)
    return build


def _swap_current(build_path: Path, target: Path) -> None:
    link = build_path / CURRENT
    if link.exists() and not link.is_symlink():
        raise BuildError(f"{link}: exists and is not a symlink; move it away")
    previous = link.resolve().name if link.is_symlink() else None
    if previous and previous != target.name:
        _write_atomically(build_path / PREVIOUS, previous)
    temporary = build_path / f".{CURRENT}-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(Path(BUILDS) / target.name)
    temporary.replace(link)
    logger.info("current build is now %s", target.name)


def _sync_logs(store_path: Path) -> None:
    """Put the closed store's write-ahead logs (the build's description is there) on disk, as
    RocksDB does its table files: a crash after the build becomes current loses none of it."""
    for log in sorted(store_path.glob("*.log")):
        descriptor = os.open(log, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300]


def _validate(
    publication: Publication,
    shapes: Publication | None,
    settings: Settings,
    *,
    allow_invalid: bool,
    progress: Progress | None,
) -> None:
    # Imported here: serving a built store never needs the validation modules (nor rdflib).
    from chava.validation.publication_shapes import publication_shapes
    from chava.validation.report import render_text, summary
    from chava.validation.validate import validate_publication

    report = validate_publication(
        publication,
        shapes=shapes,
        languages=settings.languages,
        extra_shapes=publication_shapes(settings),
        engine=settings.validation_engine,
        threads=settings.validation_threads,
        progress=progress,
    )
    if report.conforms:
        logger.info("validation: %s", summary(report).strip())
        return
    if allow_invalid:
        logger.warning("publishing despite SHACL violations: %s", summary(report).strip())
        return
    text = render_text(report, relative_to=settings.root).rstrip()
    raise ValidationFailedError(f"the data does not conform to the shapes; not published\n{text}")


def _profile(settings: Settings) -> Publication | None:
    """The publication root's shapes and ontology, to check a dataset that has no shapes."""
    try:
        profile = load_publication(settings.root)
    except LoadError:
        return None
    return profile if any(profile.graph(iri) for iri in _shapes_graphs(settings)) else None


def _shapes_graphs(settings: Settings) -> tuple[str, ...]:
    """Where shapes may be: the loader's shapes graph, and the one under the data base IRI."""
    return tuple(dict.fromkeys((FOLDER_GRAPHS["shapes"], settings.data_base_iri + "graph/shapes")))
