"""Serve tests from a real engine: `CHAVA_TEST_STORE=oxigraph-server` (or `virtuoso`) pytest.

With that variable set, every app the tests make (tests.app_support.new_app, the `app` fixture)
reads its build from an Oxigraph server or a Virtuoso (one per build, started on first use) into
which the build was pushed with `chava publish --to`'s code (Graph Store Protocol; Digest
authentication on Virtuoso), instead of the local pyoxigraph store: the resource, JSON-LD and
SPARQL tests then run unchanged against an external engine. The engines come in through
create_app's store seam (`open_store`), never a patch.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import pytest

from chava.building.builds import Build
from chava.config import Settings
from chava.network.publish_remote import push_build
from chava.stores.remote_store import open_remote
from chava.stores.store import PublishedStore
from chava.web.served_build import StoreOpener
from tests.oxigraph_server import oxigraph_server
from tests.virtuoso_server import DBA_PASSWORD, virtuoso_server

VARIABLE = "CHAVA_TEST_STORE"
ENGINE = "oxigraph-server"
VIRTUOSO = "virtuoso"
ENGINES = (ENGINE, VIRTUOSO)


def remote_requested() -> bool:
    """Whether this test session serves from an external engine."""
    return os.environ.get(VARIABLE, "") in ENGINES


class Engines:
    """One engine per build (builds share graph names), pushed once, stopped at exit."""

    def __init__(self, folder: Path, kind: str = ENGINE) -> None:
        self.folder = folder
        self.kind = kind
        self.stack = ExitStack()
        self.servers: dict[Path, str] = {}
        """Build folder -> the engine's query endpoint."""

    def server_for(self, settings: Settings, build: Build) -> str:
        """The query endpoint of the engine holding *build* (started and pushed once)."""
        query = self.servers.get(build.path)
        if query is None:
            location = self.folder / f"engine-{len(self.servers)}"
            if self.kind == VIRTUOSO:
                virtuoso = self.stack.enter_context(virtuoso_server(location))
                writer = dataclasses.replace(
                    settings, publish_user="dba", publish_password=DBA_PASSWORD
                )
                push_build(build, virtuoso.store, writer, full=True)
                query = virtuoso.query
            else:
                server = self.stack.enter_context(
                    oxigraph_server(location, union_default_graph=False)
                )
                push_build(build, server.store, settings, full=True)
                query = server.query
            self.servers[build.path] = query
        return query

    def open_store(self, settings: Settings, build: Build) -> PublishedStore:
        """The drop-in for chava.web.served_build.open_store: the build, read from its engine."""
        # Tests of remote sources shorten the remote_* limits; the engine gets the defaults.
        defaults = Settings.load(root=settings.root, environ={})
        settings = dataclasses.replace(
            settings,
            remote_connect_timeout=defaults.remote_connect_timeout,
            remote_read_timeout=defaults.remote_read_timeout,
            remote_max_bytes=defaults.remote_max_bytes,
        )
        query = self.server_for(settings, build)
        remote = open_remote(dataclasses.replace(settings, store_url=query), build)
        return PublishedStore(build, cast(ox.Store, remote))  # as chava.web.served_build.open_store


_ENGINES: list[Engines] = []
"""The session's engines, while serve_from_engines is active (empty without the variable)."""


def store_opener() -> StoreOpener | None:
    """The store seam of the apps tests make: the session's engines, or None (local stores)."""
    return _ENGINES[0].open_store if _ENGINES else None


def serve_from_engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """While active, apps made by tests read from the engines (nothing changes without the
    variable)."""
    if not remote_requested():
        yield
        return
    engines = Engines(tmp_path_factory.mktemp("engines"), os.environ[VARIABLE])
    with engines.stack:
        _ENGINES.append(engines)
        try:
            yield
        finally:
            _ENGINES.remove(engines)
