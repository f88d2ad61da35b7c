"""The production server: granian (Rust HTTP, keep-alive) running the WSGI app in N processes.

Measured on a 686k-quad build, 8 keep-alive connections (wrk), one cached resource in Turtle:
granian 2 workers ~6000 req/s, gunicorn gthread 2x8 ~1900 req/s, the Oxigraph server ~4400.
Several threads per worker (`web_threads`, default 4) pay off although the GIL serialises
Python: store reads and SPARQL worker waits release it (uncached resources: ~1000-1600 req/s
with 4 threads against ~600 with 1), and a slow query does not hold a whole worker.
Each worker process builds the app itself, so the read-only store is opened after the fork.
A worker that dies is started again (granian's default is to stop the whole server).
"""

from __future__ import annotations

import logging
import os

from flask import Flask
from granian import Granian
from granian.constants import Interfaces
from granian.log import LogLevels

from chava.builds import Build
from chava.config import ENV_PREFIX, Settings

logger = logging.getLogger(__name__)


def run_server(settings: Settings, build: Build) -> None:
    """Serve *build* with granian until interrupted."""
    prefetch_store(build)
    # Workers are fresh processes that read their Settings like the CLI did; the build folder
    # (which `--data` changes) and the root travel as the CHAVA_* variables Settings reads.
    os.environ[ENV_PREFIX + "ROOT"] = str(settings.root.resolve())
    os.environ[ENV_PREFIX + "BUILD_DIR"] = str(settings.build_path.resolve())
    if settings.store_url:  # `--store`
        os.environ[ENV_PREFIX + "STORE_URL"] = settings.store_url
    server = Granian(
        "chava.web.server:create_worker_app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=max(1, settings.web_workers),
        blocking_threads=max(1, settings.web_threads),
        factory=True,
        log_level=LogLevels.warning,
        # A web worker that dies (the OOM killer, a crash in native code) is started again;
        # the others keep answering meanwhile.
        respawn_failed_workers=True,
    )
    server.serve()


def prefetch_store(build: Build) -> int:
    """Ask the kernel to read the store's files into the page cache, in the background.

    A resource read from pages not yet cached costs ~1.4 ms instead of ~0.2 ms (686k quads);
    `posix_fadvise(WILLNEED)` returns at once, so start-up does not wait. Returns the bytes
    hinted (0 where the platform has no fadvise).
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return 0
    hinted = 0
    for path in sorted(build.store_path.iterdir()):
        if not path.is_file():
            continue
        try:
            descriptor = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            advise(descriptor, 0, 0, os.POSIX_FADV_WILLNEED)
            hinted += path.stat().st_size
        except OSError:
            logger.debug("no readahead for %s", path)
        finally:
            os.close(descriptor)
    logger.info("asked the kernel to cache %d bytes of %s", hinted, build.store_path)
    return hinted


def create_worker_app() -> Flask:
    """The app of one worker process: the current build of the Settings it reads, followed.

    A damaged current build is skipped for the previous good one (loudly); a new current
    build is picked up within a second, without a restart (chava.web.served_build).
    """
    from chava.web import state
    from chava.web.app import create_app

    settings = Settings.load()
    app = create_app(settings)
    with app.app_context():
        follower = state.follower()
        # The first query would otherwise wait for the query workers to start (~0.2 s at 1M,
        # seconds on a loaded machine): this worker takes requests once they are up.
        pool = follower.current.service.pool
        pool.start()
        pool.wait_ready()
        follower.watch()
    return app


def run_development_server(settings: Settings, build: Build) -> None:
    """Serve with Flask's development server (`--dev`): one process, no reloader."""
    from chava.web import state
    from chava.web.app import create_app

    app = create_app(settings, build=build)
    with app.app_context():
        state.follower().watch()  # a new build is served within a second, no restart
    app.run(host=settings.host, port=settings.port, threaded=True)
