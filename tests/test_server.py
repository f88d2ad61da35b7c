"""Tests of the server module that need no running server."""

from __future__ import annotations

from pathlib import Path

from chava.building.build import build_publication
from chava.web.server import prefetch_store
from tests.publish_fixtures import publication_settings, write_publication


def test_prefetch_hints_every_store_file(tmp_path: Path) -> None:
    build = build_publication(publication_settings(write_publication(tmp_path)), validate=False)
    total = sum(path.stat().st_size for path in build.store_path.iterdir() if path.is_file())
    assert prefetch_store(build) == total > 0
