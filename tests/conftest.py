"""Shared fixtures: the project root, and one read-only build of the bundled publication."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import pytest

from chava.builds import CURRENT, Build, read_build, write_manifest
from chava.config import Settings
from chava.sources import load_publication

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = PROJECT_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository root: the bundled publication lives here."""
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def bundled_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Build]:
    """The bundled publication built once per session into a temporary build folder.

    Read-only: tests must not write into it. Tests that build need their own tmp_path.
    """
    build_root = tmp_path_factory.mktemp("build")
    settings = Settings.load(root=PROJECT_ROOT, environ={}, overrides={"build_dir": build_root})
    return settings, _build_directly(settings)


def _build_directly(settings: Settings) -> Build:
    """A plain build (load, store, manifest) until chava.build offers the real thing."""
    publication = load_publication(settings.root)
    build_id = "test"
    path = settings.build_path / "builds" / build_id
    path.mkdir(parents=True)
    store = ox.Store(str(path / "store"))
    store.bulk_extend(publication.quads)
    store.flush()
    del store
    write_manifest(path, {"build_id": build_id, "created": datetime.now(UTC).isoformat()})
    (settings.build_path / CURRENT).symlink_to(path)
    return read_build(path)
