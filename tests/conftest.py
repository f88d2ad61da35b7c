"""Shared fixtures: the project root, and one read-only build of the bundled publication."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from chava.build import build_publication
from chava.builds import Build
from chava.config import Settings
from tests.remote_store_support import serve_from_engines

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
    # The whole suite is one client (127.0.0.1) of one ledger: the per-client request rate and
    # query-time budget are lifted here; tests of those limits set them (tests/test_hardening.py).
    overrides = {"build_dir": build_root, "sparql_rate_limit": 0, "sparql_client_budget": 0}
    settings = Settings.load(root=PROJECT_ROOT, environ={}, overrides=overrides)
    return settings, _build_directly(settings)


def _build_directly(settings: Settings) -> Build:
    """The real build (store, dumps, VoID), unvalidated: validation has tests of its own."""
    return build_publication(settings, validate=False)


@pytest.fixture(scope="session", autouse=True)
def _store_under_test(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Apps read from an Oxigraph server when CHAVA_TEST_STORE=oxigraph-server is set."""
    yield from serve_from_engines(tmp_path_factory)
