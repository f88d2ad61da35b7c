"""The production server: granian (Rust HTTP, keep-alive) running the app in N processes.

granian runs chava.web.gateway's RSGI front in each worker, which hands requests to the Flask
app on two lanes of threads (pages and SPARQL), caps bodies and drops requests whose client
hung up; the WSGI interface could do none of this (a WSGI server cannot tell a hang-up, and
every request shares one pool of threads).

Measured on a 686k-quad build with the WSGI interface, 8 keep-alive connections (wrk), one
cached resource in Turtle: granian 2 workers ~6000 req/s, gunicorn gthread 2x8 ~1900 req/s, the
Oxigraph server ~4400. The RSGI front replays repeated requests in its event loop and runs the
rest on threads (`web_threads` for pages: store reads release the GIL, so several pay off).
Each worker process builds the app itself, so the read-only store is opened after the fork.
A worker that dies is started again (granian's default is to stop the whole server).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import resource
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from granian import Granian
from granian.constants import Interfaces, TaskImpl
from granian.http import HTTP1Settings
from granian.log import LogLevels

from chava.building.builds import Build
from chava.config import ENV_PREFIX, Settings

if TYPE_CHECKING:
    from chava.web.gateway import Gateway

logger = logging.getLogger(__name__)


def run_server(settings: Settings, build: Build) -> None:
    """Serve *build* with granian until interrupted.

    This process then becomes granian's supervisor (`chava.web.supervisor`, by exec: the same
    process id, a fresh interpreter): the supervisor only starts and watches the web workers,
    which fork from it, so it holds granian and the settings, not what `chava serve` loaded to
    choose and check the build (the CLI, the build code, the HTTP clients: about 30 MB less
    in the supervisor and in each web worker, docs/search.md "Memory of a running server").
    """
    prefetch_store(build)
    # Workers are fresh processes that read their Settings like the CLI did; the build folder
    # (which `--data` changes) and the root travel as the CHAVA_* variables Settings reads.
    os.environ[ENV_PREFIX + "ROOT"] = str(settings.root.resolve())
    os.environ[ENV_PREFIX + "BUILD_DIR"] = str(settings.build_path.resolve())
    if settings.store_url:  # `--store`
        os.environ[ENV_PREFIX + "STORE_URL"] = settings.store_url
    plan = GranianPlan.of(settings)
    raise_open_files(plan.workers * (plan.connections + 256) + 1024)
    if not sys.executable:  # an embedded interpreter: no fresh one to exec
        serve_granian(plan)
        return
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    os.execv(sys.executable, [*supervisor_command(), json.dumps(dataclasses.asdict(plan))])


def supervisor_command() -> list[str]:
    """The command line of the lean supervisor (its plan, JSON, follows); `-P`: the working
    directory is not put on the module path."""
    return [sys.executable, "-P", "-m", "chava.web.supervisor"]


@dataclass(frozen=True)
class GranianPlan:
    """What granian's supervisor needs of the settings (the web workers read all of them)."""

    host: str
    port: int
    workers: int
    connections: int
    header_timeout_ms: int
    log_level: int

    @classmethod
    def of(cls, settings: Settings) -> GranianPlan:
        """The plan for *settings*, logging at this process's level."""
        return cls(
            settings.host,
            settings.port,
            max(1, settings.web_workers),
            max(64, settings.web_max_connections),
            max(1000, int(settings.web_body_timeout * 1000)),
            logging.getLogger().getEffectiveLevel(),
        )


def serve_granian(plan: GranianPlan) -> None:
    """Run granian's supervisor and its web workers until interrupted."""
    server = Granian(
        "chava.web.server:create_worker_app",
        address=plan.host,
        port=plan.port,
        interface=Interfaces.RSGI,
        # granian drives the front's coroutines itself: an RSGI app then costs what a WSGI one
        # does (no-op app, 2 workers, wrk: ~48k req/s against ~23k with asyncio's tasks).
        task_impl=TaskImpl.rust,
        workers=plan.workers,
        factory=True,
        websockets=False,
        # granian holds one permit per open connection, idle keep-alive ones included, and
        # stops accepting when they run out (its default: 1024 / workers). A connection that
        # never sends a byte is never closed by it: room for many keeps a few hundred silent
        # sockets from shutting everyone out. Headers must arrive within web_body_timeout.
        backpressure=plan.connections,
        backlog=4096,
        http1_settings=HTTP1Settings(header_read_timeout=plan.header_timeout_ms),
        log_level=LogLevels.warning,
        # A web worker that dies (the OOM killer, a crash in native code) is started again;
        # the others keep answering meanwhile.
        respawn_failed_workers=True,
        # Ctrl-C stops the server within about a second: a web worker still busy then (a
        # page being rendered) is killed; its query workers end with their pipes.
        workers_kill_timeout=1,
    )
    logging.getLogger("_granian").addFilter(_drop_known_notices)
    server.serve()


def _drop_known_notices(record: logging.LogRecord) -> bool:
    """granian's notice that its Rust task implementation is experimental (chosen, measured) is
    dropped; its notice that it killed a web worker still busy at Ctrl-C (after the one second
    chava gives it, `workers_kill_timeout`) is expected, so it is logged at DEBUG only (`chava -v`):
    stopping prints one line."""
    message = record.getMessage()
    if "task implementation is experimental" in message:
        return False
    if "refused to gracefully stop" in message:
        logger.debug("granian: %s", message)
        return False
    return True


def raise_open_files(wanted: int) -> int:
    """Raise this process's soft open-file limit towards *wanted* (workers inherit it).

    Returns the soft limit in force; never above the hard limit, never lowered.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            logger.warning("could not raise the open-file limit from %d to %d", soft, target)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        logger.warning(
            "open-file limit %d is below the %d that web_max_connections asks for", soft, wanted
        )
    return soft


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


def create_worker_app() -> Gateway:
    """The app of one worker process: the current build of the Settings it reads, followed.

    A damaged current build is skipped for the previous good one (loudly); a new current
    build is picked up within a second, without a restart (chava.web.served_build).
    """
    from chava.web import state
    from chava.web.app import create_app
    from chava.web.gateway import Gateway

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
    # Stopping the worker kills its query workers at once: a query under way ends (503)
    # instead of holding the shutdown for up to sparql_timeout.
    return Gateway(app, settings, on_close=follower.close)


def run_development_server(settings: Settings, build: Build) -> None:
    """Serve with Flask's development server (`--dev`): one process, no reloader."""
    from chava.web import state
    from chava.web.app import create_app

    app = create_app(settings, build=build)
    with app.app_context():
        state.follower().watch()  # a new build is served within a second, no restart
    app.run(host=settings.host, port=settings.port, threaded=True)
