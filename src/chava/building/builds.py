"""The on-disk layout of a build, shared by the builder, the server and the query workers.

<build_path>/current          -> symlink to builds/<build_id>, swapped atomically
<build_path>/.previous        the id of the build current before it (kept, for fallback)
<build_path>/build-log.jsonl  one line per build made current (chava.building.build_log)
<build_path>/.lock            the build lock (chava.building.build_leases)
<build_path>/builds/<build_id>/
    store/                    the pyoxigraph store (opened read-only when serving)
    dumps/                    chava.nq.gz, chava.trig, chava.ttl, chava.jsonld
    index.sqlite              the catalogue index: API listings and search (chava.search)
    manifest.json             build id, creation time, counts, inputs, dumps and store files
                              with size and SHA-256 (see write_manifest, chava.building.build_check)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from chava.config import Settings
from chava.errors import StoreError

CURRENT = "current"
PREVIOUS = ".previous"
BUILDS = "builds"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Build:
    """One finished build: where it is, its identity (for ETags) and its manifest."""

    path: Path
    build_id: str
    created: datetime
    manifest: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def store_path(self) -> Path:
        """The pyoxigraph store folder."""
        return self.path / "store"

    @property
    def index_path(self) -> Path:
        """The catalogue index (chava.search): listings and search."""
        return self.path / "index.sqlite"

    @property
    def dumps_path(self) -> Path:
        """The folder of downloadable dumps."""
        return self.path / "dumps"


def read_build(path: Path) -> Build:
    """Open the build at *path* from its manifest."""
    manifest_path = path / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        return Build(
            path=path.resolve(),
            build_id=str(manifest["build_id"]),
            created=datetime.fromisoformat(str(manifest["created"])),
            manifest=manifest,
        )
    except FileNotFoundError as error:
        raise StoreError(f"{path}: not a build (no {MANIFEST}); run `chava build`") from error
    except (ValueError, KeyError, TypeError) as error:
        raise StoreError(f"{manifest_path}: unreadable build manifest: {error}") from error


def current_build(settings: Settings) -> Build:
    """Return the build the `current` link points to, or raise StoreError if none is built."""
    link = settings.build_path / CURRENT
    if not link.exists():
        raise StoreError(f"{link}: nothing built yet; run `chava build`")
    return read_build(link.resolve())


def write_manifest(path: Path, manifest: Mapping[str, Any]) -> None:
    """Write a build's manifest (flushed to disk); it must hold build_id and created (ISO 8601)."""
    for key in ("build_id", "created"):
        if key not in manifest:
            raise ValueError(f"manifest needs {key!r}")
    text = json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True)
    with (path / MANIFEST).open("w", encoding="utf-8") as stream:
        stream.write(text)
        stream.flush()
        os.fsync(stream.fileno())
