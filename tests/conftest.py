"""Shared fixtures: the project root, one read-only build of the bundled publication, and the
`app` -> `client` -> `runner` chain (after flaskr).

`app` serves the bundled build with the suite's settings; a test module changes what it serves
by overriding `app_build` (another publication) or `app_settings` (other settings), never by
defining `app` or `client` again. Apps come from tests.app_support.new_app, through create_app's
store seam (CHAVA_TEST_STORE=oxigraph-server serves them from an Oxigraph server).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from chava.building.build import build_publication
from chava.building.builds import Build
from chava.config import Settings
from tests.app_support import close_app, new_app
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


@pytest.fixture(scope="module")
def app_build(bundled_build: tuple[Settings, Build]) -> tuple[Settings, Build | None]:
    """What `app` serves: settings and a build (None: the current build of the settings)."""
    return bundled_build


@pytest.fixture(scope="module")
def app_settings() -> Mapping[str, Any]:
    """Settings `app` changes from app_build's (a module overrides this to test a limit)."""
    return {}


@pytest.fixture(scope="module")
def app(
    app_build: tuple[Settings, Build | None], app_settings: Mapping[str, Any]
) -> Iterator[Flask]:
    """The application over app_build, one per test module; its query workers are stopped."""
    settings, build = app_build
    application = new_app(dataclasses.replace(settings, **app_settings), build=build)
    yield application
    close_app(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of `app`."""
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    """Runs `chava` commands in this process (click's CliRunner)."""
    return CliRunner()
