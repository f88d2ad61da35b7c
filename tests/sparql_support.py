"""Helpers for the SPARQL tests: a live threaded server on 127.0.0.1, process CPU readings."""

from __future__ import annotations

import dataclasses
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from chava.building.builds import Build
from chava.config import Settings
from chava.sparql.endpoint import QueryService
from chava.web.sparql_state import SERVICE_KEY
from tests.app_support import new_app

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SELECT = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"


def url(query: str, **parameters: str) -> str:
    """`/sparql?query=...` with the other protocol parameters."""
    return "/sparql?" + urlencode({"query": query, **parameters})


@contextmanager
def small_app(bundled_build: tuple[Settings, Build], **settings: Any) -> Iterator[Flask]:
    """The app over the bundled build with a result cap of 5 (and *settings*); workers stopped."""
    base, build = bundled_build
    app = new_app(dataclasses.replace(base, **{"sparql_max_results": 5, **settings}), build=build)
    try:
        yield app
    finally:
        app.extensions[SERVICE_KEY].close()


@dataclass(frozen=True)
class LiveServer:
    """A running server: its base URL and the app's query service (to look at its workers)."""

    url: str
    app: Flask

    @property
    def service(self) -> QueryService:
        service = self.app.extensions[SERVICE_KEY]
        assert isinstance(service, QueryService)
        return service


@contextmanager
def live_server(app: Flask) -> Iterator[LiveServer]:
    """Serve *app* with werkzeug's threaded server on a free loopback port, then stop it."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
        app.extensions[SERVICE_KEY].close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def is_running(pid: int) -> bool:
    """Whether *pid* is a live (not zombie) process."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"
