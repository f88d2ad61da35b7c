"""The production server: granian (Rust HTTP, keep-alive) running the WSGI app in N processes.

Measured on a 686k-quad build, 8 keep-alive connections (wrk), one cached resource in Turtle:
granian 2 workers ~6000 req/s, gunicorn gthread 2x8 ~1900 req/s, the Oxigraph server ~4400.
Several threads per worker (`web_threads`, default 4) pay off although the GIL serialises
Python: store reads and SPARQL worker waits release it (uncached resources: ~1000-1600 req/s
with 4 threads against ~600 with 1), and a slow query does not hold a whole worker.
Each worker process builds the app itself, so the read-only store is opened after the fork.
"""

from __future__ import annotations

import os

from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels

from chava.builds import Build, current_build
from chava.config import ENV_PREFIX, Settings


def run_server(settings: Settings, build: Build) -> None:
    """Serve *build* with granian until interrupted."""
    # Workers are fresh processes that read their Settings like the CLI did; the build folder
    # (which `--data` changes) and the root travel as the CHAVA_* variables Settings reads.
    os.environ[ENV_PREFIX + "ROOT"] = str(settings.root.resolve())
    os.environ[ENV_PREFIX + "BUILD_DIR"] = str(settings.build_path.resolve())
    server = Granian(
        "chava.web.server:create_worker_app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=max(1, settings.web_workers),
        blocking_threads=max(1, settings.web_threads),
        factory=True,
        log_level=LogLevels.warning,
    )
    server.serve()


def create_worker_app() -> Flask:
    """The app of one worker process: the current build of the Settings it reads."""
    from chava.web.app import create_app

    settings = Settings.load()
    return create_app(settings, build=current_build(settings))


def run_development_server(settings: Settings, build: Build) -> None:
    """Serve with Flask's development server (`--dev`): one process, no reloader."""
    from chava.web.app import create_app

    create_app(settings, build=build).run(host=settings.host, port=settings.port, threaded=True)
