"""`chava build`: validate, load into a new on-disk store, describe, dump, then swap atomically.

A build goes to `builds/<build_id>/` (the id is a content hash of the inputs, so the same
inputs give the same id and the same ETags), written under a temporary name and renamed into
place; then the `current` symlink is replaced in one `os.replace`. A failed build leaves the
current one untouched. Older builds are pruned, except the previous one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from chava import sdg
from chava.build_inputs import (
    canonical_nquads,
    data_settings,
    hash_files,
    publication_files,
    settings_key,
    stat_sources,
)
from chava.builds import BUILDS, CURRENT, MANIFEST, Build, read_build, write_manifest
from chava.config import Settings
from chava.dataset_description import BuildFacts, describe_dataset, metadata_graph_iri
from chava.dumps import write_dumps
from chava.errors import BuildError, LoadError, ValidationFailedError
from chava.sources import (
    FOLDER_GRAPHS,
    Publication,
    collect_files,
    load_files,
    load_publication,
    rdf_format_of,
)
from chava.validation_progress import Progress

logger = logging.getLogger(__name__)


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
    digest = hashlib.sha256(settings_key(settings).encode())
    if publication is None:
        publication = load_publication(settings.root)
        files = publication_files(settings)
        sources = stat_sources(files)
        hash_files(digest, files, relative_to=settings.root)
    else:
        sources = []
        digest.update(canonical_nquads(publication.quads))
    if validate:
        _validate(publication, None, settings, allow_invalid=allow_invalid, progress=progress)

    def load(store: ox.Store) -> None:
        store.bulk_extend(publication.quads)

    return _build(settings, digest.hexdigest()[:16], load, sources=sources, bundled=True)


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
    """
    settings = data_settings(settings, paths)
    files = collect_files(paths)
    if not files:
        raise LoadError(", ".join(str(path) for path in paths), "no RDF file found")
    if validate:
        publication = load_files(files, default_graph=settings.data_default_graph)
        own_shapes = any(publication.graph(iri) for iri in _shapes_graphs(settings))
        profile = None if own_shapes else _profile(settings)
        if own_shapes or profile is not None:
            _validate(
                publication, profile, settings, allow_invalid=allow_invalid, progress=progress
            )
        else:
            logger.warning("no SHACL shapes to validate the dataset with: not validated")
    digest = hashlib.sha256(settings_key(settings).encode())
    hash_files(digest, files, relative_to=None)

    def load(store: ox.Store) -> None:
        target = settings.data_default_graph
        to_graph = ox.NamedNode(target) if target else ox.DefaultGraph()
        for path in files:
            try:
                store.bulk_load(path=path, format=rdf_format_of(path), to_graph=to_graph)
            except SyntaxError as error:
                raise LoadError(path, str(error.msg), line=error.lineno) from error
            except (OSError, ValueError) as error:
                raise LoadError(path, str(error)) from error
            logger.info("loaded %s", path)
        sdg.normalise_store(store)  # https SDG IRIs published in the UN KOS's http form

    sources = stat_sources(files)
    return _build(settings, digest.hexdigest()[:16], load, sources=sources, bundled=False)


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
    build = read_build(link.resolve())
    unchanged = build.manifest.get("sources") == stat_sources(files)
    same_settings = build.manifest.get("settings_key") == settings_key(settings)
    return build if unchanged and same_settings else None


def _build(
    settings: Settings,
    build_id: str,
    load: Callable[[ox.Store], None],
    *,
    sources: list[dict[str, Any]],
    bundled: bool,
) -> Build:
    builds = settings.build_path / BUILDS
    final = builds / build_id
    if (final / MANIFEST).is_file():
        logger.info("build %s already exists: reusing it", build_id)
    else:
        builds.mkdir(parents=True, exist_ok=True)
        temporary = builds / f".tmp-{build_id}-{os.getpid()}"
        shutil.rmtree(temporary, ignore_errors=True)
        try:
            _write_build(temporary, settings, build_id, load, sources=sources, bundled=bundled)
            temporary.rename(final)
        except OSError as error:
            # A concurrent `chava build` of the same inputs may have renamed its copy first.
            if not (final / MANIFEST).is_file():
                raise BuildError(f"{final}: could not write the build: {error}") from error
        finally:
            shutil.rmtree(temporary, ignore_errors=True)
    _swap_current(settings.build_path, final)
    _prune(builds, keep={final.name, *_previous(settings.build_path)})
    return read_build(final)


def _write_build(
    folder: Path,
    settings: Settings,
    build_id: str,
    load: Callable[[ox.Store], None],
    *,
    sources: list[dict[str, Any]],
    bundled: bool,
) -> None:
    created = datetime.now(UTC).replace(microsecond=0)
    folder.mkdir(parents=True)
    store = ox.Store(str(folder / "store"))
    load(store)
    dumps = write_dumps(store, folder / "dumps")
    counts = _graph_counts(store)
    facts = BuildFacts(build_id, created, dumps, bundled, counts)
    metadata = describe_dataset(store, settings, facts)
    store.extend(metadata)
    store.flush()
    store.optimize()
    counts[metadata_graph_iri(settings)] = len(set(metadata))
    counts = dict(sorted(counts.items()))
    del store  # closes the RocksDB files before the folder is renamed
    write_manifest(
        folder,
        {
            "build_id": build_id,
            "created": created.isoformat(),
            "bundled": bundled,
            "graphs": counts,
            "triples": sum(counts.values()),
            "metadata_graph": metadata_graph_iri(settings),
            "dumps": [dump.to_manifest() for dump in dumps],
            "sources": sources,
            "settings_key": settings_key(settings),
        },
    )
    logger.info("built %s: %d quads in %d graphs", build_id, sum(counts.values()), len(counts))


def _graph_counts(store: ox.Store) -> dict[str, int]:
    """Quads per named graph; the default graph is keyed ''."""
    counts: dict[str, int] = {}
    solutions = store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    )
    assert isinstance(solutions, ox.QuerySolutions)
    for solution in solutions:
        graph, count = solution["g"], solution["n"]
        if graph is not None and count is not None:
            counts[graph.value] = int(count.value)
    default = sum(1 for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    if default:
        counts[""] = default
    return dict(sorted(counts.items()))


def _swap_current(build_path: Path, target: Path) -> None:
    link = build_path / CURRENT
    temporary = build_path / f".{CURRENT}-{os.getpid()}"
    temporary.unlink(missing_ok=True)
    temporary.symlink_to(Path(BUILDS) / target.name)
    if link.exists() and not link.is_symlink():
        raise BuildError(f"{link}: exists and is not a symlink; move it away")
    previous = link.resolve().name if link.is_symlink() else None
    temporary.replace(link)
    if previous and previous != target.name:
        (build_path / ".previous").write_text(previous, encoding="utf-8")
    logger.info("current build is now %s", target.name)


def _previous(build_path: Path) -> set[str]:
    marker = build_path / ".previous"
    return {marker.read_text(encoding="utf-8").strip()} if marker.is_file() else set()


def _prune(builds: Path, *, keep: set[str]) -> None:
    for child in builds.iterdir():
        if child.name not in keep and not child.name.startswith(".tmp-"):
            logger.info("pruning old build %s", child.name)
            shutil.rmtree(child, ignore_errors=True)


def _validate(
    publication: Publication,
    shapes: Publication | None,
    settings: Settings,
    *,
    allow_invalid: bool,
    progress: Progress | None,
) -> None:
    # Imported here: serving a built store never needs the validation modules (nor rdflib).
    from chava.publication_shapes import publication_shapes
    from chava.report import render_text, summary
    from chava.validate import validate_publication

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
