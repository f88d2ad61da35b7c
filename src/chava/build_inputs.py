"""What goes into a build: its source files, their fingerprints, and the build folder of `--data`.

The build id hashes the inputs, so the same sources and settings give the same id; the
manifest keeps each source's size and mtime, so `chava serve` can tell without reading them
whether the current build is up to date.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from chava.config import Settings
from chava.sources import collect_files

BUILD_LAYOUT_VERSION: Final = "3"
"""Bump when what a build contains changes, so old builds are not reused."""


def data_settings(settings: Settings, paths: Sequence[Path]) -> Settings:
    """Settings whose build folder is the one of the dataset *paths* (`<build_dir>/data-<hash>`)."""
    key = "\n".join(sorted(str(path.resolve()) for path in paths))
    folder = settings.build_path / f"data-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    return dataclasses.replace(settings, build_dir=folder.resolve())


def hash_files(digest: Any, files: Sequence[Path], *, relative_to: Path | None) -> None:
    """Feed each file's name (relative path, or bare name) and content hash into *digest*."""
    for path in files:
        name = str(path.relative_to(relative_to)) if relative_to is not None else path.name
        digest.update(name.encode() + b"\0")
        with path.open("rb") as stream:
            digest.update(hashlib.file_digest(stream, "sha256").digest())


def canonical_nquads(quads: Sequence[ox.Quad]) -> bytes:
    """N-Quads of *quads* with canonical blank node labels, sorted: same graph, same bytes."""
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    serialized = ox.serialize(dataset, format=ox.RdfFormat.N_QUADS) or b""
    return b"\n".join(sorted(serialized.splitlines()))


def publication_files(settings: Settings) -> list[Path]:
    """The RDF files of the publication root, in the order they are read."""
    root = settings.root
    return collect_files([root / name for name in ("ontology", "data", "shapes")])


def stat_sources(files: Sequence[Path]) -> list[dict[str, Any]]:
    """Path, size and mtime of each file: the manifest's cheap "sources changed?" check."""
    entries = []
    for path in files:
        stat = path.stat()
        entries.append(
            {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        )
    return entries


def settings_key(settings: Settings) -> str:
    """What besides the sources changes a build: chava's version and the settings it uses."""
    return "|".join(
        (
            importlib.metadata.version("chava"),
            BUILD_LAYOUT_VERSION,
            settings.data_base_iri,
            settings.vocabulary_base_iri,
            settings.dataset_name,
            settings.data_default_graph or "",
            settings.dataset_license,
        )
    )
