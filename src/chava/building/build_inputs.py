"""What goes into a build: its source files, their fingerprints, and the build folder of `--data`.

The build id hashes the inputs, so the same sources and settings give the same id. The inputs
are hashed as they are parsed (`chava.loading.hashed_input`): the id names the bytes the store
holds. The manifest lists each input (name, SHA-256, size), so anyone can recompute the id from it
(`build_id_of`), and each source's size and mtime as read, so `chava serve` can tell without
reading them whether the current build is up to date.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import pyoxigraph as ox

from chava.config import Settings
from chava.loading.hashed_input import InputDigest
from chava.loading.sources import collect_files

BUILD_LAYOUT_VERSION: Final = "7"
"""Bump when what a build contains changes, so old builds are not reused."""


def data_settings(settings: Settings, paths: Sequence[Path]) -> Settings:
    """Settings whose build folder is the one of the dataset *paths* (`<build_dir>/data-<hash>`)."""
    key = "\n".join(sorted(str(path.resolve()) for path in paths))
    folder = settings.build_path / f"data-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    return dataclasses.replace(settings, build_dir=folder.resolve())


def build_id_of(key: str, inputs: Sequence[Mapping[str, Any]]) -> str:
    """The build id of *inputs* (manifest entries: name and SHA-256) under settings *key*."""
    digest = hashlib.sha256(key.encode())
    for entry in inputs:
        digest.update(str(entry["name"]).encode() + b"\0")
        digest.update(bytes.fromhex(str(entry["sha256"])))
    return digest.hexdigest()[:16]


def input_entries(
    digests: Sequence[InputDigest], *, relative_to: Path | None
) -> list[dict[str, Any]]:
    """Manifest entries of the files read: relative path (or bare name), SHA-256 and size."""
    entries = []
    for digest in digests:
        path = digest.path
        name = str(path.relative_to(relative_to)) if relative_to is not None else path.name
        entries.append(digest.to_manifest(name))
    return entries


def quads_entry(quads: Sequence[ox.Quad]) -> dict[str, Any]:
    """The one input of a build made from quads in memory: their canonical N-Quads."""
    canonical = canonical_nquads(quads)
    sha256 = hashlib.sha256(canonical).hexdigest()
    return {"name": "(quads)", "sha256": sha256, "bytes": len(canonical)}


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
