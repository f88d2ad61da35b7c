"""Helpers for the SPARQL tests: a live threaded server on 127.0.0.1, process CPU readings."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from chava.sparql.endpoint import QueryService
from chava.web.sparql_state import SERVICE_KEY

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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
